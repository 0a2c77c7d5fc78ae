/**
 * 收件材料 (issue 8): which tickets of a day had materials received at the windows, and, for the
 * ticket opened, its materials page by page with a larger view and each material's PDF, for the
 * back office working from the images (前台综合受理、后台分类审批).
 *
 * Personal data (R21): the images are citizens' documents. They are fetched only for the ticket
 * opened here, held as object URLs while it is open and revoked when it closes, never written
 * to localStorage or any cache; the list names no citizen (number, service, window, staff).
 */
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import type { HallState } from '../../../shared/fold/state';
import { localDate } from '../../../shared/schedule/zone';
import { useHall, useNow } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { hhmm } from '../../i18n/format';
import { useLang } from '../../i18n/lang';
import { BlobUrls } from './blobUrls';
import { MaterialAccess } from './MaterialAccess';
import { fetchBlob, type Access, type ListedMaterial, type ListedTicket } from './materialsApi';
import {
  NOT_UPLOADED,
  dayProblem,
  daySummary,
  failureText,
  keptNote,
  loadedAtText,
  materialName,
  materialsText,
  missingCount,
  pageSlots,
  pagesText,
  pdfFileName,
  pdfState,
  stepDay,
  summaryText,
  ticketRow,
  uploadText,
  wantedPages,
  windowText,
  type PageSlot,
  type TicketRow,
} from './materialsModel';
import { useMaterialsList } from './useMaterials';
import './materials.css';
import { saveFile } from '../../app/saveFile';

const COLUMNS = 8;

const PRIVACY: Bilingual = {
  zh: '群众证件材料属个人信息：仅在此页查看，不在本机留存',
  en: "Citizens' documents are personal data: view them here only; nothing is kept on this computer",
};

export function MaterialsView() {
  const { state, version } = useHall();
  const tz = state.config.schedule.timeZone;
  const now = useNow(60_000);
  const today = localDate(now, tz);
  const [day, setDay] = useState(today);
  const problem = dayProblem(day, today);
  const list = useMaterialsList(day, problem === null, today);
  const { shown, failure, loading, reload, access } = list;
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => setSelected(null), [day]);

  const tickets = shown?.answer.tickets ?? [];
  const rows = useMemo(() => tickets.map((t) => ({ t, row: ticketRow(state, t) })), [tickets, state, version]);
  const summary = shown ? daySummary(shown.answer) : null;
  const viewState = problem ? 'problem' : failure ? (shown ? 'stale' : 'failed') : shown ? 'fresh' : 'loading';

  return (
    <section className="editor mx-view" data-testid="materials">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '收件材料', en: 'Materials received' }} />
        </h2>
        <span className="panel-note mx-privacy" data-testid="materials-privacy">
          <Bi t={PRIVACY} />
        </span>
      </header>

      <div className="mx-bar" data-testid="materials-query">
        <label className="mx-field">
          <span className="field-label">
            <Bi t={{ zh: '收件日期', en: 'Day' }} />
          </span>
          <input className="input mx-date" type="date" name="day" value={day} max={today} onChange={(e) => setDay(e.target.value)} />
        </label>
        <div className="mx-step" role="group">
          <button type="button" className="btn" data-action="prev-day" onClick={() => setDay(stepDay(day, -1, today))}>
            <Bi t={{ zh: '‹ 前一天', en: '‹ Day before' }} />
          </button>
          <button type="button" className="btn" data-action="next-day" disabled={day >= today} onClick={() => setDay(stepDay(day, 1, today))}>
            <Bi t={{ zh: '后一天 ›', en: 'Day after ›' }} />
          </button>
          <button type="button" className="btn" data-action="today" disabled={day === today} onClick={() => setDay(today)}>
            <Bi t={{ zh: '今天', en: 'Today' }} />
          </button>
        </div>
        <button type="button" className="btn" data-action="refresh" disabled={problem !== null || loading} onClick={reload}>
          <Bi t={{ zh: '刷新', en: 'Refresh' }} />
        </button>
        <div className="mx-status" data-testid="materials-status" data-state={viewState} data-day={shown?.day ?? ''}>
          {summary ? (
            <span className="mx-summary" data-tickets={summary.tickets} data-pages={summary.pages} data-missing={summary.missing}>
              <Bi t={summaryText(summary)} />
            </span>
          ) : null}
          {loading ? (
            <span className="mx-loading">
              <Bi t={{ zh: '正在向服务器读取…', en: 'Asking the server…' }} />
            </span>
          ) : shown ? (
            <span className="mx-loaded" data-loaded-at={shown.loadedAt}>
              <Bi t={loadedAtText(shown.loadedAt, tz, today)} />
            </span>
          ) : null}
        </div>
      </div>

      {problem ? (
        <div className="note note-error" role="alert" data-testid="materials-problem">
          <Bi t={problem} />
        </div>
      ) : failure ? (
        <div className="note note-error mx-failure" role="alert" data-testid="materials-failure" data-kind={failure.kind}>
          <Bi
            t={(() => {
              const why = failureText(failure);
              const kept = shown ? keptNote(shown.loadedAt, tz, today) : { zh: '收件材料存放在服务器上，连接服务器后才能查看', en: 'The materials are kept on the server and can be seen once it is reachable' };
              return { zh: `${why.zh}。${kept.zh}`, en: `${why.en}. ${kept.en}` };
            })()}
          />
          <button type="button" className="btn" data-action="retry" disabled={loading} onClick={reload}>
            <Bi t={{ zh: '重试', en: 'Try again' }} />
          </button>
        </div>
      ) : null}

      {shown || !failure ? (
        <table className={`table mx-table${viewState === 'stale' ? ' mx-stale' : ''}`} data-testid="materials-list">
          <thead>
            <tr>
              <th>
                <Bi t={{ zh: '号码', en: 'Ticket' }} />
              </th>
              <th>
                <Bi t={{ zh: '业务', en: 'Service' }} />
              </th>
              <th>
                <Bi t={{ zh: '窗口', en: 'Window' }} />
              </th>
              <th>
                <Bi t={{ zh: '工作人员', en: 'Staff' }} />
              </th>
              <th>
                <Bi t={{ zh: '状态', en: 'Status' }} />
              </th>
              <th className="mx-col-materials">
                <Bi t={{ zh: '收件材料', en: 'Materials' }} />
              </th>
              <th>
                <Bi t={{ zh: '上传', en: 'Upload' }} />
              </th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {shown && rows.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS} className="muted mx-empty" data-testid="materials-empty">
                  <Bi t={{ zh: '这一天没有收件材料', en: 'No materials were received on this day' }} />
                </td>
              </tr>
            ) : null}
            {!shown && !problem ? (
              <tr>
                <td colSpan={COLUMNS} className="muted mx-empty">
                  <Bi t={{ zh: '正在读取…', en: 'Loading…' }} />
                </td>
              </tr>
            ) : null}
            {rows.map(({ t, row }) => (
              <Fragment key={t.ticketId}>
                <TicketLine row={row} selected={t.ticketId === selected} onSelect={() => setSelected(t.ticketId === selected ? null : t.ticketId)} />
                {t.ticketId === selected ? (
                  <tr className="mx-expand">
                    <td colSpan={COLUMNS}>
                      <TicketMaterials state={state} ticket={t} row={row} access={access} tz={tz} today={today} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function UploadBadge({ missing }: { missing: number }) {
  return (
    <span className={`badge mx-upload ${missing > 0 ? 'mx-upload-pending' : 'mx-upload-done'}`} data-missing={missing}>
      <Bi t={uploadText(missing)} />
    </span>
  );
}

function TicketLine({ row, selected, onSelect }: { row: TicketRow; selected: boolean; onSelect: () => void }) {
  return (
    <tr
      className={`mx-row${selected ? ' mx-row-on' : ''}`}
      data-ticket={row.ticketId}
      data-number={row.number}
      data-pages={row.pages}
      data-missing={row.missing}
      aria-selected={selected}
      onClick={onSelect}
    >
      <td className="big">{row.number}</td>
      <td>
        <Bi t={row.service} />
      </td>
      <td className="mx-window">{row.window}</td>
      <td className="nowrap">{row.staff}</td>
      <td className="nowrap">
        <Bi t={row.status} />
      </td>
      <td className="mx-col-materials">
        <ul className="mx-names">
          {row.materials.map((m) => (
            <li key={m.id} data-material={m.id} data-pages={m.pages}>
              <Bi t={{ zh: `${m.name.zh} · ${pagesText(m.pages).zh}`, en: `${m.name.en} · ${pagesText(m.pages).en}` }} />
            </li>
          ))}
        </ul>
      </td>
      <td className="nowrap">
        <UploadBadge missing={row.missing} />
      </td>
      <td className="row-actions">
        <button
          type="button"
          className={`btn${selected ? '' : ' btn-primary'}`}
          data-action={selected ? 'close' : 'open'}
          aria-expanded={selected}
          onClick={(e) => {
            e.stopPropagation();
            onSelect();
          }}
        >
          <Bi t={selected ? { zh: '收起', en: 'Close' } : { zh: '查看材料', en: 'View' }} />
        </button>
      </td>
    </tr>
  );
}

/** The object URLs of the ticket's page images, fetched lazily, revoked when it closes. */
function useBlobUrls(ticketId: string, wanted: readonly string[], access: Access): BlobUrls | null {
  const [pool, setPool] = useState<BlobUrls | null>(null);
  const [, setVersion] = useState(0);
  useEffect(() => {
    const p = new BlobUrls({
      load: (h) => fetchBlob(access, h),
      createUrl: (b) => URL.createObjectURL(b),
      revokeUrl: (u) => URL.revokeObjectURL(u),
      concurrency: 3,
    });
    const off = p.subscribe(() => setVersion(p.version));
    setPool(p);
    return () => {
      off();
      p.close();
    };
  }, [ticketId, access]);
  const key = wanted.join(',');
  useEffect(() => {
    if (!pool) return;
    // A new answer (uploads finished): files that failed before are asked for again.
    pool.retryFailed();
    pool.want(key ? key.split(',') : []);
  }, [pool, key]);
  return pool;
}

interface Viewing {
  material: number;
  page: number;
}

function TicketMaterials({ state, ticket, row, access, tz, today }: { state: HallState; ticket: ListedTicket; row: TicketRow; access: Access; tz: string; today: string }) {
  const wanted = useMemo(() => wantedPages(ticket), [ticket]);
  const pool = useBlobUrls(ticket.ticketId, wanted, access);
  const [viewing, setViewing] = useState<Viewing | null>(null);
  const lang = useLang((s) => s.lang);
  const materialCount = materialsText(ticket.materials.length);
  const pages = pagesText(row.pages);
  return (
    <div className="mx-detail" data-testid="material-detail" data-ticket={ticket.ticketId}>
      <div className="mx-detail-head">
        <span className="mx-detail-number">{ticket.number}</span>
        <span className="mx-detail-what">
          <Bi t={{ zh: `${row.service.zh} · ${materialCount.zh} · 共 ${pages.zh}`, en: `${row.service.en} · ${materialCount.en} · ${pages.en} in all` }} />
        </span>
        <UploadBadge missing={row.missing} />
      </div>
      {ticket.materials.map((m, i) => (
        <MaterialCard
          key={m.id}
          state={state}
          ticket={ticket}
          material={m}
          pool={pool}
          access={access}
          tz={tz}
          today={today}
          lang={lang}
          onOpen={(page) => setViewing({ material: i, page })}
        />
      ))}
      {viewing && ticket.materials[viewing.material] ? (
        <PageViewer state={state} ticket={ticket} material={ticket.materials[viewing.material]!} page={viewing.page} pool={pool} onPage={(page) => setViewing({ ...viewing, page })} onClose={() => setViewing(null)} />
      ) : null}
    </div>
  );
}

function MaterialCard({
  state,
  ticket,
  material: m,
  pool,
  access,
  tz,
  today,
  lang,
  onOpen,
}: {
  state: HallState;
  ticket: ListedTicket;
  material: ListedMaterial;
  pool: BlobUrls | null;
  access: Access;
  tz: string;
  today: string;
  lang: 'zh' | 'en';
  onOpen: (page: number) => void;
}) {
  const name = materialName(state, ticket.serviceId, m.name);
  const slots = pageSlots(m);
  const missing = missingCount(m);
  const win = windowText(state, m.windowId);
  const at = localDate(m.at, tz) === today ? hhmm(m.at, tz) : `${localDate(m.at, tz)} ${hhmm(m.at, tz)}`;
  return (
    <section className="mx-material" data-testid="material" data-material={m.id} data-pages={m.pages} data-missing={missing}>
      <header className="mx-material-head">
        <h3>
          <Bi t={name} />
        </h3>
        <span className="mx-pages">
          <Bi t={pagesText(m.pages)} />
        </span>
        <UploadBadge missing={missing} />
        <span className="mx-when muted">
          <Bi t={{ zh: `${at} 收件于 ${win.zh}`, en: `Received ${at} at ${win.en}` }} />
        </span>
        <PdfButton access={access} material={m} fileName={pdfFileName(ticket.number, m.name)} />
      </header>
      <div className="mx-thumbs">
        {slots.map((s) => (
          <Thumb key={`${s.index}:${s.sha256}`} slot={s} pool={pool} alt={`${lang === 'zh' ? name.zh : name.en} ${lang === 'zh' ? `第 ${s.index + 1} 页` : `page ${s.index + 1}`}`} onOpen={() => onOpen(s.index)} />
        ))}
      </div>
      <MaterialAccess access={access} material={m} timeText={(ms) => `${localDate(ms, tz)} ${hhmm(ms, tz)}`} />
    </section>
  );
}

function Thumb({ slot, pool, alt, onOpen }: { slot: PageSlot; pool: BlobUrls | null; alt: string; onOpen: () => void }) {
  const entry = slot.missing ? undefined : pool?.get(slot.sha256);
  const state = slot.missing ? 'missing' : (entry?.state ?? 'loading');
  return (
    <figure className={`mx-thumb mx-thumb-${state}`} data-testid="material-thumb" data-page={slot.index + 1} data-sha={slot.sha256} data-state={state}>
      <button type="button" className="mx-thumb-frame" disabled={entry?.state !== 'ready'} onClick={onOpen} title={entry?.state === 'ready' ? alt : undefined}>
        {entry?.state === 'ready' ? (
          <img src={entry.url} alt={alt} decoding="async" draggable={false} />
        ) : slot.missing ? (
          <span className="mx-thumb-note">
            <Bi t={NOT_UPLOADED} />
          </span>
        ) : entry?.state === 'failed' ? (
          <span className="mx-thumb-note mx-thumb-error">
            <Bi t={{ zh: '无法加载', en: 'Could not load' }} />
          </span>
        ) : (
          <span className="mx-thumb-note">
            <Bi t={{ zh: '加载中…', en: 'Loading…' }} />
          </span>
        )}
      </button>
      <figcaption>
        <Bi t={{ zh: `第 ${slot.index + 1} 页`, en: `p. ${slot.index + 1}` }} />
      </figcaption>
    </figure>
  );
}

type PdfOutcome = { ok: boolean; message: Bilingual } | null;

function PdfButton({ access, material: m, fileName }: { access: Access; material: ListedMaterial; fileName: string }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<PdfOutcome>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const pdf = pdfState(m);
  const run = useCallback(async () => {
    if (!m.pdf) return;
    setBusy(true);
    setOutcome(null);
    const r = await fetchBlob(access, m.pdf);
    if (!live.current) return;
    setBusy(false);
    if (!r.ok) return setOutcome({ ok: false, message: failureText(r.failure) });
    saveFile(r.value, fileName);
    setOutcome({ ok: true, message: { zh: `已下载 ${fileName}`, en: `Saved ${fileName}` } });
  }, [access, m.pdf, fileName]);
  const why: Bilingual | null = pdf === 'none' ? { zh: '没有 PDF', en: 'No PDF' } : pdf === 'missing' ? { zh: `PDF ${NOT_UPLOADED.zh}`, en: `PDF ${NOT_UPLOADED.en}` } : null;
  return (
    <div className="mx-pdf">
      <button type="button" className="btn btn-primary" data-action="download-pdf" disabled={pdf !== 'ready' || busy} onClick={() => void run()}>
        <Bi t={busy ? { zh: '正在下载…', en: 'Downloading…' } : { zh: '下载 PDF', en: 'Download PDF' }} />
      </button>
      {why ? (
        <span className="mx-pdf-note muted">
          <Bi t={why} />
        </span>
      ) : outcome ? (
        <span className={`mx-pdf-note ${outcome.ok ? 'mx-ok' : 'mx-err'}`} role="status" data-testid={outcome.ok ? 'pdf-done' : 'pdf-error'}>
          <Bi t={outcome.message} />
        </span>
      ) : null}
    </div>
  );
}

/** One page large, over the tab: arrows or the buttons turn pages, Escape or a click outside closes. */
function PageViewer({
  state,
  ticket,
  material: m,
  page,
  pool,
  onPage,
  onClose,
}: {
  state: HallState;
  ticket: ListedTicket;
  material: ListedMaterial;
  page: number;
  pool: BlobUrls | null;
  onPage: (page: number) => void;
  onClose: () => void;
}) {
  const slots = pageSlots(m);
  const slot = slots[Math.min(page, slots.length - 1)]!;
  const entry = slot.missing ? undefined : pool?.get(slot.sha256);
  const name = materialName(state, ticket.serviceId, m.name);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowLeft' && page > 0) onPage(page - 1);
      else if (e.key === 'ArrowRight' && page < slots.length - 1) onPage(page + 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [page, slots.length, onPage, onClose]);
  return (
    <div className="mx-viewer" role="dialog" aria-modal="true" data-testid="material-viewer" data-page={slot.index + 1} onClick={onClose}>
      <div className="mx-viewer-bar" onClick={(e) => e.stopPropagation()}>
        <span className="mx-viewer-title">
          <strong>{ticket.number}</strong>
          <Bi t={{ zh: `${name.zh} · 第 ${slot.index + 1} / ${slots.length} 页`, en: `${name.en} · page ${slot.index + 1} of ${slots.length}` }} />
        </span>
        <button type="button" className="btn" data-action="page-prev" disabled={page <= 0} onClick={() => onPage(page - 1)}>
          <Bi t={{ zh: '‹ 上一页', en: '‹ Previous' }} />
        </button>
        <button type="button" className="btn" data-action="page-next" disabled={page >= slots.length - 1} onClick={() => onPage(page + 1)}>
          <Bi t={{ zh: '下一页 ›', en: 'Next ›' }} />
        </button>
        <button type="button" className="btn" data-action="viewer-close" ref={close} onClick={onClose}>
          <Bi t={{ zh: '关闭', en: 'Close' }} />
        </button>
      </div>
      <div className="mx-viewer-stage">
        {entry?.state === 'ready' ? (
          <img src={entry.url} alt={`${name.zh} 第 ${slot.index + 1} 页`} draggable={false} onClick={(e) => e.stopPropagation()} />
        ) : (
          <span className="mx-viewer-note">
            <Bi t={slot.missing ? NOT_UPLOADED : entry?.state === 'failed' ? entry.why : { zh: '加载中…', en: 'Loading…' }} />
          </span>
        )}
      </div>
    </div>
  );
}
