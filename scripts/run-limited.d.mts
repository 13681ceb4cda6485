export function runLimited(
  name: string,
  cmd: string,
  args: string[],
  options: {
    limitMs: number;
    env?: Record<string, string>;
    onTimeout?: () => void;
    /** Where the step's own messages go (default stderr). */
    log?: (line: string) => void;
  },
): Promise<{ code: number; timedOut: boolean }>;
