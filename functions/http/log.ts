/**
 * Structured JSON logs. Health data is sensitive: callers pass ids, routes, statuses, counts
 * and timings only — never a body, a profile or a header value.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (level: LogLevel, msg: string, fields?: LogFields) => void;

export const jsonLogger: Logger = (level, msg, fields = {}) => {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

export const silentLogger: Logger = () => {};

/** Error name and a few stack frames: enough to find the bug, no request data. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((l) => l.trimStart().startsWith('at '))
    .slice(0, 4)
    .map((l) => l.trim())
    .join(' | ');
  return { errorName: error.name, errorMessage: error.message.slice(0, 300), errorStack: frames };
}
