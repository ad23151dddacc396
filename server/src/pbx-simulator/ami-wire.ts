/** AMI wire format for the simulator: `Key: Value\r\n` lines, a blank line ends a message. */

export type Fields = Array<[string, string | number]>;

export function formatMessage(fields: Fields): string {
  let out = '';
  for (const [key, value] of fields) out += `${key}: ${value}\r\n`;
  return `${out}\r\n`;
}

export interface ClientAction {
  /** Header names lower-cased; repeated headers (Variable) collected in `variables`. */
  headers: Map<string, string>;
  variables: Array<[string, string]>;
}

/** Splits what a client sent into actions; returns the unfinished rest. */
export function parseActions(buffer: string): { actions: ClientAction[]; rest: string } {
  const actions: ClientAction[] = [];
  const normalized = buffer.replace(/\r\n/g, '\n');
  const parts = normalized.split('\n\n');
  const rest = parts.pop() ?? '';
  for (const part of parts) {
    if (part.trim() === '') continue;
    const headers = new Map<string, string>();
    const variables: Array<[string, string]> = [];
    for (const line of part.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'variable') {
        for (const assignment of value.split(',')) {
          const eq = assignment.indexOf('=');
          if (eq > 0) variables.push([assignment.slice(0, eq), assignment.slice(eq + 1)]);
        }
      } else if (!headers.has(key)) headers.set(key, value);
    }
    actions.push({ headers, variables });
  }
  return { actions, rest: rest.replace(/\n/g, '\r\n') };
}

/** `"Ivan Petrov" <+73432001122>` → name and number. */
export function parseCallerId(value: string | undefined): { name: string | null; num: string | null } {
  if (!value) return { name: null, num: null };
  const match = /^\s*"?([^"<]*)"?\s*<([^>]*)>\s*$/.exec(value);
  if (match) return { name: match[1]?.trim() || null, num: match[2]?.trim() || null };
  return { name: null, num: value.trim() || null };
}
