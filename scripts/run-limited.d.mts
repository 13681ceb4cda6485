export function runLimited(
  name: string,
  cmd: string,
  args: string[],
  options: { limitMs: number; env?: Record<string, string>; onTimeout?: () => void },
): Promise<{ code: number; timedOut: boolean }>;
