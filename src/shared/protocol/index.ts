export * from './reason-codes';
export * from './signals';
export * from './device';
export * from './verdict';
export * from './device-settings';
export * from './identity';
export * from './verdict-answer';
