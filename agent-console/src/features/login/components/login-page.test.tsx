import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { LoginPage } from './login-page.js';

const unauthenticated = { method: 'GET', path: '/api/auth/me', status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'Sign in first' } } };

function signIn(login: string, password: string) {
  fireEvent.change(screen.getByLabelText(/login|логин/i), { target: { value: login } });
  fireEvent.change(screen.getByLabelText(/password|пароль/i), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: /sign in|войти/i }));
}

describe('login page', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the wrong-password error the server answers with and clears the password', async () => {
    const server = fakeServer([
      unauthenticated,
      { method: 'POST', path: '/api/auth/login', status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'Wrong login or password' } } },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<LoginPage />, { language: 'en' });

    signIn('agent1', 'nope');

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong login or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(server.requests.find((r) => r.path === '/api/auth/login')?.body).toEqual({ login: 'agent1', password: 'nope' });
  });

  it('tells a rate-limited user to wait, in Russian', async () => {
    const server = fakeServer([
      unauthenticated,
      { method: 'POST', path: '/api/auth/login', status: 429, body: { error: { code: 'RATE_LIMITED', message: 'Too many failed logins' } } },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<LoginPage />, { language: 'ru' });

    signIn('agent1', 'nope');

    expect((await screen.findByRole('alert')).textContent).toMatch(/Слишком много попыток/);
  });

  it('shows the server’s own words for an error it has no sentence for', async () => {
    const server = fakeServer([
      unauthenticated,
      { method: 'POST', path: '/api/auth/login', status: 500, body: { error: { code: 'INTERNAL', message: 'Store is restarting' } } },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<LoginPage />, { language: 'en' });

    signIn('agent1', 'demo');

    expect((await screen.findByRole('alert')).textContent).toBe('Something went wrong: Store is restarting');
  });

  it('asks for both fields without calling the server when one is empty', async () => {
    const server = fakeServer([unauthenticated]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<LoginPage />, { language: 'en' });

    signIn('agent1', '');

    expect((await screen.findByRole('alert')).textContent).toBe('Enter your login and password.');
    expect(server.requests.some((r) => r.path === '/api/auth/login')).toBe(false);
  });

  it('switches the page to another language before signing in', async () => {
    vi.stubGlobal('fetch', fakeServer([unauthenticated]).fetch);
    renderWithProviders(<LoginPage />, { language: 'ru' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Вход');

    fireEvent.change(screen.getByLabelText('Язык'), { target: { value: 'en' } });

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Sign in');
    expect(document.documentElement.lang).toBe('en');
  });
});
