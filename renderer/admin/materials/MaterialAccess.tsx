/**
 * Under a material in the admin's materials tab (issue 15, R21): who opened its files (the
 * server's access log: terminal, window, clerk, time, refused attempts too), and deleting it
 * from the server for good (two clicks: the second confirms).
 */
import { useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { deleteBlob, fetchAccessLog, type Access, type AccessEntry, type ListedMaterial } from './materialsApi';
import { failureText } from './materialsModel';

const OUTCOME: Record<AccessEntry['outcome'], Bilingual> = {
  read: { zh: '已查看', en: 'opened' },
  refused: { zh: '被拒绝', en: 'refused' },
  'not-found': { zh: '未找到', en: 'not found' },
};

type LogState = { kind: 'closed' } | { kind: 'loading' } | { kind: 'shown'; entries: AccessEntry[] } | { kind: 'failed'; why: Bilingual };
type DeleteState = { kind: 'idle' } | { kind: 'confirm' } | { kind: 'deleting' } | { kind: 'deleted' } | { kind: 'failed'; why: Bilingual };

const filesOf = (m: ListedMaterial) => [...new Set(m.pdf ? [...m.hashes, m.pdf] : m.hashes)];

export function MaterialAccess({ access, material: m, timeText }: { access: Access; material: ListedMaterial; timeText: (ms: number) => string }) {
  const [log, setLog] = useState<LogState>({ kind: 'closed' });
  const [del, setDel] = useState<DeleteState>(m.deleted?.length && m.deleted.length === filesOf(m).length ? { kind: 'deleted' } : { kind: 'idle' });

  const showLog = async () => {
    if (log.kind === 'shown') return setLog({ kind: 'closed' });
    setLog({ kind: 'loading' });
    const entries: AccessEntry[] = [];
    for (const h of filesOf(m)) {
      const got = await fetchAccessLog(access, h);
      if (!got.ok) return setLog({ kind: 'failed', why: failureText(got.failure) });
      entries.push(...got.value);
    }
    entries.sort((a, b) => b.at - a.at);
    setLog({ kind: 'shown', entries });
  };

  const remove = async () => {
    if (del.kind !== 'confirm') return setDel({ kind: 'confirm' });
    setDel({ kind: 'deleting' });
    for (const h of filesOf(m)) {
      const got = await deleteBlob(access, h);
      if (!got.ok) return setDel({ kind: 'failed', why: failureText(got.failure) });
    }
    setDel({ kind: 'deleted' });
  };

  return (
    <div className="mx-access" data-testid="material-access">
      <div className="mx-access-actions">
        <button type="button" className="btn" data-testid="material-access-log" onClick={() => void showLog()}>
          <Bi t={log.kind === 'shown' ? { zh: '收起查看记录', en: 'Hide access log' } : { zh: '查看记录', en: 'Access log' }} />
        </button>
        {del.kind === 'deleted' ? (
          <span className="muted" data-testid="material-deleted">
            <Bi t={{ zh: '已从服务器删除', en: 'Deleted from the server' }} />
          </span>
        ) : (
          <button type="button" className={`btn ${del.kind === 'confirm' ? 'btn-danger' : ''}`} data-testid="material-delete" disabled={del.kind === 'deleting'} onClick={() => void remove()}>
            <Bi t={del.kind === 'confirm' ? { zh: '确认从服务器永久删除', en: 'Confirm: delete from the server for good' } : { zh: '从服务器删除', en: 'Delete from the server' }} />
          </button>
        )}
        {del.kind === 'failed' ? (
          <span className="mx-access-error">
            <Bi t={del.why} />
          </span>
        ) : null}
      </div>
      {log.kind === 'loading' ? (
        <p className="muted">
          <Bi t={{ zh: '加载中…', en: 'Loading…' }} />
        </p>
      ) : log.kind === 'failed' ? (
        <p className="mx-access-error">
          <Bi t={log.why} />
        </p>
      ) : log.kind === 'shown' ? (
        log.entries.length === 0 ? (
          <p className="muted" data-testid="material-access-empty">
            <Bi t={{ zh: '尚无人查看', en: 'Nobody has opened it yet' }} />
          </p>
        ) : (
          <table className="mx-access-log" data-testid="material-access-table">
            <thead>
              <tr>
                <th>
                  <Bi t={{ zh: '时间', en: 'Time' }} />
                </th>
                <th>
                  <Bi t={{ zh: '终端', en: 'Terminal' }} />
                </th>
                <th>
                  <Bi t={{ zh: '窗口 / 工作人员', en: 'Window / staff' }} />
                </th>
                <th>
                  <Bi t={{ zh: '结果', en: 'Outcome' }} />
                </th>
              </tr>
            </thead>
            <tbody>
              {log.entries.map((e, i) => (
                <tr key={`${e.at}:${e.terminal}:${i}`} data-outcome={e.outcome}>
                  <td>{timeText(e.at)}</td>
                  <td>{e.terminal}</td>
                  <td>{[e.windowId, e.staffId].filter(Boolean).join(' / ') || '—'}</td>
                  <td>
                    <Bi t={OUTCOME[e.outcome]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </div>
  );
}
