/**
 * 收件拍照: the clerk captures the citizen's materials with the document camera (高拍仪) for the
 * ticket at the window. Live preview; capture by the button, F10 / Enter, or the camera's
 * button / foot pedal; the page is found, flattened and named after the service guide's
 * material; corners can be set by hand; pages turned, deleted, reordered; an ID card's two
 * sides go on one A4 sheet. "Attach" stores the pages here, queues them for upload and records
 * them on the ticket; everything works offline. Images never leave this screen otherwise.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import type { TicketState } from '../../../shared/fold/state';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { useLang } from '../../i18n/lang';
import type { MaterialUploader } from '../../materials/uploader';
import { AdjustCorners } from './AdjustCorners';
import { attachMaterials, materialsPdf } from './attach';
import { cameraError, grabFrame, listCameras, loadChoice, openCamera, RESOLUTIONS, saveChoice, stopCamera, type CameraChoice } from './camera';
import { addMaterial, addPage, movePage, newDraft, pageCount, removePage, select, turnPage, updatePage, type CapturedPage, type CaptureDraft, type Quad } from './captureModel';
import { PageProcessor, toRgba, type ProcessedPage } from './processing';
import type { Rgba } from './processingProtocol';
import { useUploaderStatus } from './useMaterialUploader';
import './capture.css';
import { saveFile } from '../../app/saveFile';

interface PageImage {
  jpeg: Blob;
  url: string;
  /** The whole frame a page was cut from (for hand adjustment). */
  frameJpeg?: Blob;
}

type Mode = 'page' | 'id';
type Note = { kind: 'ok' | 'info' | 'error'; text: Bilingual } | null;

const ID_WORDS = ['身份证', 'ID card'];

export function CaptureStation(p: { ticket: TicketState; windowId: string; uploader: MaterialUploader; onClose: (done?: Bilingual) => void }) {
  const { terminal, identity, devices } = useTerminal();
  const { state } = useHall();
  const lang = useLang((s) => s.lang);
  const service = state.config.services.get(p.ticket.serviceId);
  const [draft, setDraft] = useState<CaptureDraft>(() => newDraft(p.ticket.id, service?.guide?.materials ?? []));
  const images = useRef(new Map<string, PageImage>());
  const [mode, setMode] = useState<Mode>('page');
  const [idFront, setIdFront] = useState<Rgba | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const [adjusting, setAdjusting] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const processorRef = useRef<PageProcessor | null>(null);
  const status = useUploaderStatus(p.uploader);
  const camera = useCamera(identity.terminalId);
  const nextPage = useRef(1);

  // The worker lives with the effect (not a memo): a remount gets a live one.
  useEffect(() => {
    const worker = new PageProcessor();
    processorRef.current = worker;
    const shown = images.current;
    return () => {
      worker.terminate();
      processorRef.current = null;
      for (const img of shown.values()) URL.revokeObjectURL(img.url);
    };
  }, []);
  const processor = () => {
    if (!processorRef.current) throw new Error('the page worker is not running');
    return processorRef.current;
  };

  const keepImage = (id: string, r: { jpeg: Blob; frameJpeg?: Blob }, frameJpeg?: Blob) => {
    const old = images.current.get(id);
    if (old) URL.revokeObjectURL(old.url);
    const frame = r.frameJpeg ?? frameJpeg ?? old?.frameJpeg;
    images.current.set(id, { jpeg: r.jpeg, url: URL.createObjectURL(r.jpeg), ...(frame ? { frameJpeg: frame } : {}) });
  };

  const pageFrom = (id: string, r: ProcessedPage, kind: CapturedPage['kind'], frame: { width: number; height: number }): CapturedPage => ({
    id,
    frame,
    corners: r.corners,
    cornersBy: r.cornersBy,
    confidence: r.confidence,
    turns: 0,
    kind,
    width: r.width,
    height: r.height,
  });

  const shoot = useCallback(async () => {
    const video = camera.video.current;
    if (busy || !video || !camera.stream) return;
    setBusy(true);
    try {
      const frame = toRgba(grabFrame(video));
      const size = { width: frame.width, height: frame.height };
      if (mode === 'id' && !idFront) {
        setIdFront(frame);
        setNote({ kind: 'info', text: { zh: '正面（人像面）已拍，请翻面后拍背面（国徽面）。', en: 'Front captured. Turn the card over and capture the back.' } });
        return;
      }
      const id = `p${nextPage.current++}`;
      if (mode === 'id' && idFront) {
        const r = await processor().idSheet(idFront, frame);
        setIdFront(null);
        keepImage(id, r);
        setDraft((d) => {
          const idMaterial = d.materials.find((m) => ID_WORDS.some((w) => m.name.zh.includes(w) || m.name.en.includes(w)));
          return addPage(idMaterial ? select(d, idMaterial.id) : d, pageFrom(id, r, 'id-sheet', size));
        });
        setNote(
          r.cornersBy === 'auto'
            ? { kind: 'ok', text: { zh: '身份证正反面已合成在一页 A4 上。', en: 'Both sides of the ID card are on one A4 page.' } }
            : { kind: 'error', text: { zh: '没有找到证件边缘，请把证件放在深色台面中央后重拍。', en: 'The card edges were not found; place it in the middle of the dark desk and try again.' } },
        );
        return;
      }
      const r = await processor().page(frame);
      keepImage(id, r);
      setDraft((d) => addPage(d, pageFrom(id, r, 'page', size)));
      setNote(
        r.cornersBy === 'auto'
          ? { kind: 'ok', text: { zh: '已拍摄并自动裁切。', en: 'Captured and cropped.' } }
          : { kind: 'error', text: { zh: '没有找到纸张边缘，已保留整幅画面；可点“调整”手动框选。', en: 'No page edges found; the whole picture was kept. Use "Adjust" to mark the page.' } },
      );
    } catch (e) {
      setNote({ kind: 'error', text: { zh: `拍摄失败：${String(e)}`, en: `Capture failed: ${String(e)}` } });
    } finally {
      setBusy(false);
    }
  }, [busy, camera.stream, camera.video, idFront, mode]);

  // F10 / Enter, and the camera's own button or foot pedal (through the device layer).
  const shootRef = useRef(shoot);
  shootRef.current = shoot;
  const closeRef = useRef<() => void>(() => undefined);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ahead of the counter's own keys: Space must not call the next citizen from here.
      e.stopImmediatePropagation();
      if (e.key === 'Escape') {
        e.preventDefault();
        return closeRef.current();
      }
      const typing = (e.target as HTMLElement | null)?.closest?.('input, textarea, select');
      if (e.key === 'F10' || (e.key === 'Enter' && !typing)) {
        e.preventDefault();
        if (!e.repeat) void shootRef.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    const off = devices.subscribe((ev) => {
      if (ev.type === 'capture-button') void shootRef.current();
    });
    return () => {
      window.removeEventListener('keydown', onKey, true);
      off();
    };
  }, [devices]);

  const turn = async (page: CapturedPage) => {
    const img = images.current.get(page.id);
    if (!img || busy) return;
    setBusy(true);
    try {
      const r = await processor().turn(img.jpeg, 1);
      keepImage(page.id, r);
      setDraft((d) => updatePage(d, page.id, turnPage));
    } finally {
      setBusy(false);
    }
  };

  const applyCorners = async (page: CapturedPage, corners: Quad) => {
    const img = images.current.get(page.id);
    if (!img?.frameJpeg) return;
    setBusy(true);
    try {
      const frame = await decodeJpeg(img.frameJpeg);
      const r = await processor().page(frame, { corners, turns: page.turns });
      keepImage(page.id, r);
      setDraft((d) => updatePage(d, page.id, (x) => ({ ...x, corners, cornersBy: 'hand', width: r.width, height: r.height })));
      setAdjusting(null);
      setNote({ kind: 'ok', text: { zh: '已按手动框选重新裁切。', en: 'Cropped again with the corners you set.' } });
    } catch (e) {
      setNote({ kind: 'error', text: { zh: `裁切失败：${String(e)}`, en: `Cropping failed: ${String(e)}` } });
    } finally {
      setBusy(false);
    }
  };

  const remove = (page: CapturedPage) => {
    const img = images.current.get(page.id);
    if (img) URL.revokeObjectURL(img.url);
    images.current.delete(page.id);
    setDraft((d) => removePage(d, page.id));
  };

  const exportPdf = async () => {
    const bytes = await materialsPdf(draft.materials, images.current, `${p.ticket.number} ${service?.name.zh ?? ''}`);
    saveFile(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), `${p.ticket.number}-材料.pdf`);
  };

  const attach = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const r = await attachMaterials(
        { db: terminal.db, author: (type, payload) => terminal.local.author(type, payload), now: () => terminal.local.now() },
        { ticketId: p.ticket.id, windowId: p.windowId },
        draft.materials,
        images.current,
        () => `mat-${terminal.local.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      );
      if (!r.ok) return setNote({ kind: 'error', text: r.message });
      p.uploader.kick();
      p.onClose({ zh: `已收取 ${r.materials} 份材料、共 ${r.pages} 页，正在上传。`, en: `${r.materials} materials (${r.pages} pages) received; uploading.` });
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    if (pageCount(draft) > 0 && !window.confirm(lang === 'zh' ? '已拍摄的页面尚未附加，确定放弃？' : 'The captured pages are not attached yet. Discard them?')) return;
    p.onClose();
  };

  closeRef.current = () => (adjusting ? setAdjusting(null) : close());

  const total = pageCount(draft);
  const adjustPage = adjusting ? draft.materials.flatMap((m) => m.pages).find((x) => x.id === adjusting) : undefined;
  const adjustImage = adjustPage ? images.current.get(adjustPage.id) : undefined;

  return (
    <div className="capture" role="dialog" aria-modal="true" data-testid="capture" data-pages={total}>
      <header className="capture-head">
        <h2>
          <Bi t={{ zh: `收件拍照 · ${p.ticket.number}`, en: `Capture materials · ${p.ticket.number}` }} />
          {service ? (
            <span className="capture-service">
              <Bi t={service.name} />
            </span>
          ) : null}
        </h2>
        <div className="capture-head-right">
          <UploadState queued={status.queued} error={status.lastError} />
          <button type="button" className="btn" data-testid="capture-close" onClick={close}>
            <Bi t={{ zh: '关闭', en: 'Close' }} />
            <kbd>Esc</kbd>
          </button>
        </div>
      </header>
      <div className="capture-body">
        <section className="capture-camera">
          <div className="capture-preview">
            <video ref={camera.video} autoPlay muted playsInline data-testid="capture-video" />
            {camera.error ? (
              <div className="capture-camera-error" role="alert" data-testid="camera-error">
                <Bi t={camera.error} />
                <button type="button" className="btn" onClick={camera.retry}>
                  <Bi t={{ zh: '重试', en: 'Try again' }} />
                </button>
              </div>
            ) : null}
            {mode === 'id' ? (
              <div className="capture-guide-id" data-step={idFront ? 'back' : 'front'}>
                <Bi t={idFront ? { zh: '请拍背面（国徽面）', en: 'Now the back (national emblem side)' } : { zh: '请拍正面（人像面）', en: 'First the front (photo side)' }} />
              </div>
            ) : null}
          </div>
          <div className="capture-controls">
            <label className="capture-field">
              <Bi t={{ zh: '摄像头', en: 'Camera' }} />
              <select name="camera" value={camera.choice.deviceId ?? ''} onChange={(e) => camera.choose({ ...camera.choice, deviceId: e.target.value || undefined })}>
                {camera.devices.length === 0 ? <option value="">{lang === 'zh' ? '默认摄像头' : 'Default camera'}</option> : null}
                {camera.devices.map((d, i) => (
                  <option key={d.deviceId || i} value={d.deviceId}>
                    {d.label || `${lang === 'zh' ? '摄像头' : 'Camera'} ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
            <label className="capture-field">
              <Bi t={{ zh: '分辨率', en: 'Resolution' }} />
              <select
                name="resolution"
                value={`${camera.choice.width}x${camera.choice.height}`}
                onChange={(e) => {
                  const [w, h] = e.target.value.split('x').map(Number);
                  camera.choose({ ...camera.choice, width: w!, height: h! });
                }}
              >
                {RESOLUTIONS.map((r) => (
                  <option key={`${r.width}x${r.height}`} value={`${r.width}x${r.height}`}>
                    {r.width} × {r.height}
                  </option>
                ))}
              </select>
            </label>
            {camera.actual ? <span className="capture-actual">{`${camera.actual.width} × ${camera.actual.height}`}</span> : null}
            <div className="capture-mode" role="radiogroup">
              <button type="button" className={`btn${mode === 'page' ? ' btn-on' : ''}`} data-testid="mode-page" aria-pressed={mode === 'page'} onClick={() => (setMode('page'), setIdFront(null))}>
                <Bi t={{ zh: '文件', en: 'Document' }} />
              </button>
              <button type="button" className={`btn${mode === 'id' ? ' btn-on' : ''}`} data-testid="mode-id" aria-pressed={mode === 'id'} onClick={() => (setMode('id'), setIdFront(null))}>
                <Bi t={{ zh: '身份证正反面', en: 'ID card, both sides' }} />
              </button>
            </div>
          </div>
          <button type="button" className="capture-shoot" data-testid="capture-shoot" disabled={busy || !camera.stream} onMouseDown={(e) => e.preventDefault()} onClick={() => void shoot()}>
            <Bi t={busy ? { zh: '处理中…', en: 'Working…' } : { zh: '拍照', en: 'Capture' }} />
            <kbd>F10 / Enter</kbd>
          </button>
          {note ? (
            <div className={`capture-note capture-note-${note.kind}`} data-testid="capture-note" data-kind={note.kind} role={note.kind === 'error' ? 'alert' : 'status'}>
              <Bi t={note.text} />
            </div>
          ) : null}
        </section>

        <section className="capture-materials" data-testid="capture-materials">
          <h3>
            <Bi t={{ zh: '收取材料', en: 'Materials received' }} />
            <small>
              <Bi t={{ zh: '点选材料后拍照，页面归入该材料', en: 'Pick a material, then capture its pages' }} />
            </small>
          </h3>
          <ol className="material-list">
            {draft.materials.map((m) => (
              <li key={m.id} className={`material${draft.selected === m.id ? ' material-on' : ''}`} data-material={m.id} data-pages={m.pages.length}>
                <button type="button" className="material-name" aria-pressed={draft.selected === m.id} onClick={() => setDraft((d) => select(d, m.id))}>
                  <Bi t={m.name} />
                  <span className="material-count">
                    <Bi t={{ zh: `${m.pages.length} 页`, en: `${m.pages.length} p.` }} />
                  </span>
                </button>
                {m.pages.length ? (
                  <ol className="page-strip">
                    {m.pages.map((pg, i) => (
                      <li key={pg.id} className="page-thumb" data-testid="capture-page" data-page={pg.id} data-kind={pg.kind} data-corners-by={pg.cornersBy} data-corners={JSON.stringify(pg.corners)} data-size={`${pg.width}x${pg.height}`}>
                        <img src={images.current.get(pg.id)?.url} alt={`${m.name.zh} ${i + 1}`} />
                        <span className="page-no">{i + 1}</span>
                        {pg.cornersBy !== 'auto' ? (
                          <span className={`page-flag page-flag-${pg.cornersBy}`}>
                            <Bi t={pg.cornersBy === 'hand' ? { zh: '手动', en: 'manual' } : { zh: '未裁切', en: 'uncropped' }} />
                          </span>
                        ) : null}
                        <div className="page-tools">
                          <button type="button" title="向前 / Earlier" data-action="page-up" disabled={i === 0} onClick={() => setDraft((d) => movePage(d, pg.id, -1))}>
                            ↑
                          </button>
                          <button type="button" title="向后 / Later" data-action="page-down" disabled={i === m.pages.length - 1} onClick={() => setDraft((d) => movePage(d, pg.id, 1))}>
                            ↓
                          </button>
                          <button type="button" title="旋转 / Turn" data-action="page-turn" onClick={() => void turn(pg)}>
                            ↻
                          </button>
                          {pg.kind === 'page' ? (
                            <button type="button" title="调整四角 / Adjust corners" data-action="page-adjust" onClick={() => setAdjusting(pg.id)}>
                              调
                            </button>
                          ) : null}
                          <button type="button" title="删除 / Delete" data-action="page-delete" onClick={() => remove(pg)}>
                            ✕
                          </button>
                        </div>
                      </li>
                    ))}
                  </ol>
                ) : null}
              </li>
            ))}
          </ol>
          <form
            className="material-add"
            onSubmit={(e) => {
              e.preventDefault();
              const r = addMaterial(draft, newName);
              if ('error' in r) return setNote({ kind: 'error', text: r.error });
              setDraft(r);
              setNewName('');
            }}
          >
            <input name="material-name" value={newName} maxLength={100} placeholder={lang === 'zh' ? '其他材料名称' : 'Other material'} onChange={(e) => setNewName(e.target.value)} />
            <button type="submit" className="btn">
              <Bi t={{ zh: '添加材料', en: 'Add material' }} />
            </button>
          </form>
          <div className="capture-finish">
            <button type="button" className="btn" data-testid="capture-export-pdf" disabled={total === 0 || busy} onClick={() => void exportPdf()}>
              <Bi t={{ zh: '导出 PDF', en: 'Export PDF' }} />
            </button>
            <button type="button" className="btn btn-primary" data-testid="capture-attach" disabled={total === 0 || busy} onClick={() => void attach()}>
              <Bi t={{ zh: `附加到办件（${total} 页）`, en: `Attach to the ticket (${total} p.)` }} />
            </button>
          </div>
        </section>
      </div>
      {adjustPage && adjustImage?.frameJpeg ? (
        <AdjustCorners page={adjustPage} frameJpeg={adjustImage.frameJpeg} busy={busy} onApply={(q) => void applyCorners(adjustPage, q)} onCancel={() => setAdjusting(null)} />
      ) : null}
    </div>
  );
}

function UploadState({ queued, error }: { queued: number; error: string | undefined }) {
  if (queued === 0) {
    return (
      <span className="upload-state upload-done" data-testid="upload-state" data-queued={0}>
        <Bi t={{ zh: '材料均已上传', en: 'All materials uploaded' }} />
      </span>
    );
  }
  return (
    <span className={`upload-state${error ? ' upload-waiting' : ''}`} data-testid="upload-state" data-queued={queued} title={error}>
      <Bi t={error ? { zh: `${queued} 个文件待上传（联网后自动续传）`, en: `${queued} files waiting (resume when online)` } : { zh: `正在上传 ${queued} 个文件`, en: `Uploading ${queued} files` }} />
    </span>
  );
}

async function decodeJpeg(jpeg: Blob): Promise<Rgba> {
  const bitmap = await createImageBitmap(jpeg);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return toRgba(ctx.getImageData(0, 0, canvas.width, canvas.height));
}

/** The camera stream for this terminal's remembered choice (largest resolution by default). */
function useCamera(terminalId: string) {
  const video = useRef<HTMLVideoElement>(null);
  const [choice, setChoice] = useState<CameraChoice>(() => loadChoice(terminalId) ?? { width: RESOLUTIONS[0]!.width, height: RESOLUTIONS[0]!.height });
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [error, setError] = useState<Bilingual | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [actual, setActual] = useState<{ width: number; height: number } | null>(null);

  useEffect(() => {
    let live: MediaStream | null = null;
    let cancelled = false;
    setError(null);
    openCamera(choice)
      .then(async (s) => {
        if (cancelled) return stopCamera(s);
        live = s;
        setStream(s);
        if (video.current) video.current.srcObject = s;
        const settings = s.getVideoTracks()[0]?.getSettings();
        if (settings?.width && settings.height) setActual({ width: settings.width, height: settings.height });
        // Labels are known only once a camera is open.
        setDevices(await listCameras());
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(cameraError(e));
      });
    return () => {
      cancelled = true;
      stopCamera(live);
      setStream(null);
    };
  }, [choice, attempt]);

  const choose = (c: CameraChoice) => {
    saveChoice(terminalId, c);
    setChoice(c);
  };
  return { video, choice, choose, stream, devices, error, actual, retry: () => setAttempt((n) => n + 1) };
}
