import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DUPLICATE_POLICIES, formatPhone, isE164, type DuplicatePolicy, type ImportContactsReport } from '@crm/shared';
import { isApiError, useErrorMessage } from '@crm/shared/ui/index.js';
import { contactKeys, importContacts } from '../api.js';
import { useContactWorkspace } from '../hooks/contact-workspace.js';

const STATUS_TONE = { create: 'badge--success', merge: 'badge--info', refused: 'badge--warning', invalid: 'badge--danger' } as const;

function ImportReport({ report }: { report: ImportContactsReport }) {
  const { t } = useTranslation();
  const { openCard } = useContactWorkspace();
  const { totals } = report;
  return (
    <div className="import-report">
      <p className={`notice ${report.dryRun ? '' : 'notice--success'}`} role="status">
        {t(report.dryRun ? 'agent.import.previewTotals' : 'agent.import.doneTotals', {
          rows: totals.rows,
          created: totals.created,
          merged: totals.merged,
          refused: totals.refused,
          invalid: totals.invalid,
        })}
      </p>
      {report.ignoredColumns.length > 0 && (
        <p className="muted">{t('agent.import.ignoredColumns', { columns: report.ignoredColumns.join(', ') })}</p>
      )}
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">{t('agent.import.line')}</th>
            <th scope="col">{t('agent.import.status')}</th>
            <th scope="col">{t('agent.contacts.name')}</th>
            <th scope="col">{t('agent.contacts.phones')}</th>
            <th scope="col">{t('agent.import.details')}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.line} data-status={row.status}>
              <td className="tabular">{row.line}</td>
              <td>
                <span className={`badge ${STATUS_TONE[row.status]}`}>{t(`agent.import.rowStatus.${row.status}`)}</span>
              </td>
              <td>{row.name ?? ''}</td>
              <td className="tabular">{row.phones.map((phone) => (isE164(phone) ? formatPhone(phone) : phone)).join(', ')}</td>
              <td>
                {row.existing && (
                  <button type="button" className="link-button" onClick={() => openCard(row.existing?.id ?? '')}>
                    {t('agent.import.existing', { name: row.existing.name })}
                  </button>
                )}
                {row.sameAsLine !== null && <span>{t('agent.import.sameAsLine', { line: row.sameAsLine })}</span>}
                {row.errors.length > 0 && <span className="field__error">{row.errors.join('; ')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** CSV import: paste or pick a file, preview what would happen, then import and read the report. */
export function ContactImport() {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { close } = useContactWorkspace();
  const [csv, setCsv] = useState('');
  const [policy, setPolicy] = useState<DuplicatePolicy>('merge');
  const run = useMutation({
    mutationFn: (dryRun: boolean) => importContacts({ csv, dryRun, onDuplicate: policy }),
    onSuccess: (report) => {
      if (!report.dryRun) void queryClient.invalidateQueries({ queryKey: contactKeys.all });
    },
  });
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setCsv(await file.text());
    run.reset();
  };
  const report = run.data;
  return (
    <div className="contact-import">
      <div className="contact-card__head">
        <h3 className="contact-card__name">{t('agent.import.title')}</h3>
        <button type="button" className="button button--small" onClick={close} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <p className="muted">{t('agent.import.hint')}</p>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('agent.import.file')}</label>
        <input id={`${id}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(event) => void onFile(event)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-csv`}>{t('agent.import.text')}</label>
        <textarea
          id={`${id}-csv`}
          className="input contact-import__text"
          rows={5}
          spellCheck={false}
          placeholder="name,phone,company,city"
          value={csv}
          onChange={(event) => {
            setCsv(event.target.value);
            run.reset();
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-policy`}>{t('agent.import.onDuplicate')}</label>
        <select
          id={`${id}-policy`}
          value={policy}
          onChange={(event) => {
            // A preview holds for the policy it was made with: another policy needs a new preview before importing.
            setPolicy(event.target.value as DuplicatePolicy);
            run.reset();
          }}
        >
          {DUPLICATE_POLICIES.map((item) => (
            <option key={item} value={item}>
              {t(`agent.import.policy.${item}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="contact-form__actions">
        <button type="button" className="button" disabled={!csv.trim() || run.isPending} onClick={() => run.mutate(true)}>
          {t('agent.import.preview')}
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={!report?.dryRun || run.isPending}
          onClick={() => run.mutate(false)}
        >
          {t('agent.import.run')}
        </button>
      </div>
      {run.isError && (
        <p className="notice notice--error" role="alert">
          {isApiError(run.error) && run.error.status === 403 ? t('agent.import.forbidden') : errorMessage(run.error)}
        </p>
      )}
      {report && <ImportReport report={report} />}
    </div>
  );
}
