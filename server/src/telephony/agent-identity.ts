/**
 * Which agent extension an Asterisk interface, channel or member name belongs to.
 * Pure: the pattern is configuration, the inputs are strings from the PBX.
 */

/**
 * Default pattern: the first capture group that matched is the extension.
 * Matches `PJSIP/1001`, `SIP/1001`, `IAX2/1001` (and their channels `PJSIP/1001-0000002a`),
 * `Local/1001@agents/n` (and its halves `Local/1001@agents-0000000d;1`), member names
 * `Agent 1001` and state interfaces `Custom:agent1001`.
 */
export const DEFAULT_AGENT_INTERFACE_PATTERN =
  /^(?:(?:PJSIP|SIP|IAX2)\/(\d{2,8})(?:-[0-9a-f]+)?|Local\/(\d{2,8})@agents(?:\/n|-[0-9a-f]+;[12])?|Agent (\d{2,8})|Custom:agent(\d{2,8}))$/i;

export type AgentMatcher = (name: string | null | undefined) => string | null;

export function createAgentMatcher(pattern: RegExp = DEFAULT_AGENT_INTERFACE_PATTERN): AgentMatcher {
  // Interfaces repeat on every event; a small cache keeps the hot path to one map lookup.
  const cache = new Map<string, string | null>();
  return (name) => {
    if (!name) return null;
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const match = pattern.exec(name);
    let extension: string | null = null;
    if (match) {
      for (let index = 1; index < match.length; index += 1) {
        const group = match[index];
        if (group) {
          extension = group;
          break;
        }
      }
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(name, extension);
    return extension;
  };
}

/**
 * The extension of a queue member: Asterisk names it by interface, member name and state interface,
 * and a site's pattern may know only one of them.
 */
export function memberExtension(
  matchAgent: AgentMatcher,
  member: { iface: string | null; memberName: string | null; stateInterface: string | null },
): string | null {
  return matchAgent(member.iface) ?? matchAgent(member.memberName) ?? matchAgent(member.stateInterface);
}
