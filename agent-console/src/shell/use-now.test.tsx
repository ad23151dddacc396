import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNow } from '@crm/shared/ui/index.js';

function Seconds({ label }: { label: string }) {
  const now = useNow(1000);
  return <p aria-label={label}>{now.toISOString()}</p>;
}

describe('useNow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-23T09:00:00.400Z'));
  });

  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('ticks every clock on the page together, when the wall clock’s second turns', () => {
    render(<Seconds label="header" />);
    act(() => vi.advanceTimersByTime(300));
    render(<Seconds label="client" />);
    expect(screen.getByLabelText('header').textContent).toBe('2026-11-23T09:00:00.400Z');

    act(() => vi.advanceTimersByTime(300));
    expect(screen.getByLabelText('header').textContent).toBe('2026-11-23T09:00:01.000Z');
    expect(screen.getByLabelText('client').textContent).toBe('2026-11-23T09:00:01.000Z');

    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByLabelText('header').textContent).toBe('2026-11-23T09:00:02.000Z');
    expect(screen.getByLabelText('client').textContent).toBe('2026-11-23T09:00:02.000Z');
  });

  it('shows the current time to the first clock that mounts after all others are gone', () => {
    render(<Seconds label="first" />);
    cleanup();
    vi.setSystemTime(new Date('2026-11-23T10:30:00.000Z'));
    render(<Seconds label="later" />);
    expect(screen.getByLabelText('later').textContent).toBe('2026-11-23T10:30:00.000Z');
  });
});
