/** Full-page navigation between the two apps (login, agent console, dashboard). */
export function goTo(url: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) window.location.replace(url);
  else window.location.assign(url);
}

/** The current page as a `next` value for the login page. */
export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}${window.location.hash}`;
}
