import { isApiError } from './api-client.js';
import { useErrorMessage } from './error-message.js';

/**
 * A failed load, said in the user's language. A feature the server does not offer yet (404) is
 * stated calmly rather than shown as an alarm.
 */
export function ErrorNotice({ error, className = '' }: { error: unknown; className?: string }) {
  const errorMessage = useErrorMessage();
  const isMissingFeature = isApiError(error) && error.status === 404;
  return (
    <p role={isMissingFeature ? 'note' : 'alert'} className={`notice ${isMissingFeature ? '' : 'notice--error'} ${className}`.trim()}>
      {errorMessage(error)}
    </p>
  );
}
