/**
 * Every screen says when it is offline or stale (and since when); online it stays out of the
 * way. The text is for the person in front of the screen: what still works.
 */
import type { Bilingual } from '../../shared/config/text';
import { Bi } from '../i18n/Bi';
import { ago, hhmm } from '../i18n/format';
import { useHall, useNow, useSyncStatus, useTerminal } from './context';

const CITIZEN_ROLES: ReadonlySet<string> = new Set(['kiosk', 'evaluator', 'display']);

export function StatusBanner({ offlineNote }: { /** What still works here while offline. */ offlineNote?: Bilingual }) {
  const status = useSyncStatus();
  const now = useNow(5_000);
  const { state } = useHall();
  const { identity } = useTerminal();
  // Citizens read what they can do, never the server's reasons or record counts (issue 17).
  const citizen = CITIZEN_ROLES.has(identity.role);
  if (status.authError && citizen) {
    return (
      <div className="status-banner status-error" role="alert" data-status="auth">
        <Bi t={{ zh: '本机暂停使用，请联系工作人员。', en: 'This terminal is out of service. Please ask the staff.' }} />
      </div>
    );
  }
  if (status.authError) {
    return (
      <div className="status-banner status-error" role="alert" data-status="auth">
        <Bi t={{ zh: `本机的注册已失效，请联系大厅信息管理员重新注册（${status.authError.messageZh ?? status.authError.message}）`, en: `This terminal's enrollment is no longer valid. Please call hall IT to enroll it again (${status.authError.message}).` }} />
      </div>
    );
  }
  if (status.syncing && (status.state !== 'offline' || status.connecting)) {
    // Issue 17: until this screen has caught up with the hall, it says so (what it shows may
    // still be behind); once an attempt failed, the offline banner below says so with since when.
    return (
      <div className="status-banner status-syncing" role="status" data-status="syncing">
        <Bi t={{ zh: '正在与大厅同步数据…', en: 'Syncing with the hall…' }} />
      </div>
    );
  }
  if (status.state === 'online') {
    // Events the server refused for good (SECURITY.md, "Input at the door"): set aside, never
    // retried. Said on the staff's screens; the admin's live view lists them for every terminal.
    if (status.quarantined > 0 && (identity.role === 'counter' || identity.role === 'admin')) {
      const n = status.quarantined;
      return (
        <div className="status-banner status-aside" role="status" data-status="quarantined">
          <Bi t={{ zh: `${n} 条记录被服务器拒绝，已搁置（大厅信息管理员可查看）`, en: `${n} ${n === 1 ? 'record' : 'records'} refused by the server and set aside (hall IT can look at them)` }} />
        </div>
      );
    }
    return null;
  }
  const tz = state.config.schedule.timeZone;
  const since = status.lastContact === null ? (citizen ? { zh: '尚未联网', en: 'not yet online' } : { zh: '尚未连接过服务器', en: 'never connected' }) : { zh: `最后联络 ${hhmm(status.lastContact, tz)}（${ago(now - status.lastContact).zh}）`, en: `last contact ${hhmm(status.lastContact, tz)} (${ago(now - status.lastContact).en})` };
  const head: Bilingual = status.state === 'offline' ? { zh: '网络中断，离线工作中', en: 'Offline' } : { zh: '数据可能不是最新', en: 'Not live: data may be out of date' };
  const pending = status.pending > 0 && !citizen ? { zh: `，${status.pending} 条记录待同步`, en: `, ${status.pending} ${status.pending === 1 ? 'record' : 'records'} to sync` } : { zh: '', en: '' };
  return (
    <div className={`status-banner status-${status.state}`} role="status" data-status={status.state}>
      <Bi t={{ zh: `${head.zh} · ${since.zh}${pending.zh}${offlineNote ? ` · ${offlineNote.zh}` : ''}`, en: `${head.en} · ${since.en}${pending.en}${offlineNote ? ` · ${offlineNote.en}` : ''}` }} />
    </div>
  );
}
