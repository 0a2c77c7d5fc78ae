/**
 * The counter's uploader of captured materials and its retention sweep, for as long as the
 * counter screen is up: files go to whichever server the sync engine talks to, with this
 * terminal's token; confirmed files leave the terminal after the hall's retention period (R21).
 */
import { useEffect, useState } from 'react';
import { useTerminal } from '../../app/context';
import { startRetention, sweepMaterials } from '../../materials/retention';
import { MaterialUploader, type UploaderStatus } from '../../materials/uploader';

export function useMaterialUploader(keep?: (sha256: string) => boolean): MaterialUploader {
  const { terminal, identity } = useTerminal();
  const [uploader] = useState(
    () =>
      new MaterialUploader({
        db: terminal.db,
        base: () => terminal.engine.status.upstream ?? '',
        token: () => identity.token,
        now: () => terminal.local.now(),
        onError: (e, sha) => console.warn('material upload', sha?.slice(0, 12), e instanceof Error ? e.message : e),
      }),
  );
  useEffect(() => {
    uploader.start();
    // A server coming back is a good moment to try again.
    const off = terminal.engine.subscribe((s) => {
      if (s.state === 'online') uploader.kick();
    });
    const stopRetention = startRetention(terminal.db, {
      retentionDays: () => terminal.local.state.config.policy.materialsRetentionDays,
      now: () => terminal.local.now(),
      ...(keep ? { keep } : {}),
      onError: (e) => console.warn('material retention', e),
    });
    // Once everything is up, what the retention allows leaves at once (not at the next sweep).
    let queued = uploader.status().queued;
    const offUploads = uploader.subscribe((st) => {
      const emptied = queued > 0 && st.queued === 0;
      queued = st.queued;
      if (emptied) {
        void sweepMaterials(terminal.db, { now: terminal.local.now(), retentionDays: terminal.local.state.config.policy.materialsRetentionDays, ...(keep ? { keep } : {}) }).catch(() => undefined);
      }
    });
    return () => {
      off();
      offUploads();
      stopRetention();
      void uploader.stop();
    };
  }, [uploader, terminal, keep]);
  return uploader;
}

export function useUploaderStatus(uploader: MaterialUploader): UploaderStatus {
  const [status, setStatus] = useState(() => uploader.status());
  useEffect(() => {
    setStatus(uploader.status());
    return uploader.subscribe(setStatus);
  }, [uploader]);
  return status;
}
