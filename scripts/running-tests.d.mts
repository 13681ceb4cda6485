export function describeRunningTests(file: string, now?: number): { text: string; files: string[]; tests: string[] };
