/**
 * The byte links a printer can sit behind, besides serial (common/serialLink.ts):
 *
 * - TCP (a network printer's raw port, 9100): connect timeout; reads are bounded by the status
 *   reader's own timeout; the socket closing is the link closing.
 * - A USB printer device file (/dev/usb/lp0, the kernel's usblp). It is opened read-write and
 *   non-blocking when the kernel allows it, so a bidirectional printer answers `DLE EOT` there
 *   too; reads are polled only for a short window after each write (a printer speaks only when
 *   asked), so an idle link costs nothing and never parks a libuv thread in a blocking read.
 *   When the file opens write-only (or the printer never answers), the driver knows it cannot
 *   confirm a print (see driver.ts). Write errors carry the kernel's verdict: ENOSPC is
 *   usblp's "out of paper", ENODEV/EIO/ENXIO mean the printer is gone.
 */
import { constants, promises as fsp } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { DeviceError } from '../common/errors';
import { LinkEvents, type ByteLink } from '../common/link';

export interface TcpTarget {
  host: string;
  port: number;
  connectTimeoutMs?: number;
}

export async function openTcpLink(t: TcpTarget): Promise<ByteLink> {
  const where = `${t.host}:${t.port}`;
  const timeoutMs = t.connectTimeoutMs ?? 3000;
  const socket: Socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: t.host, port: t.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new DeviceError('timeout', 'connect-timeout', { zh: `无法连接网络打印机 ${where}`, en: `no connection to the network printer ${where} within ${timeoutMs} ms` }));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      s.destroy();
      reject(new DeviceError('transport', 'connect-failed', { zh: `无法连接网络打印机 ${where}`, en: `cannot connect to the network printer ${where}: ${err.message}` }));
    });
  });
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 5000);
  const ev = new LinkEvents();
  socket.on('data', (b: Buffer) => ev.emitData(new Uint8Array(b)));
  socket.on('error', (err) => ev.emitClose(err));
  socket.on('close', () => ev.emitClose());
  return {
    description: `tcp ${where}`,
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (ev.isClosed || socket.destroyed) return reject(new DeviceError('transport', 'closed', { zh: '网络打印机已断开', en: `${where} is closed` }));
        socket.write(bytes, (err) => (err ? reject(new DeviceError('transport', 'write-failed', { zh: '写入网络打印机失败', en: err.message })) : resolve()));
      }),
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          ev.emitClose();
          return resolve();
        }
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}

export interface FileLink extends ByteLink {
  /** Opened read-write: a bidirectional printer can answer status requests. */
  readonly readable: boolean;
  /** Is the device file still there? (For the heartbeat of a write-only printer.) */
  check(): Promise<void>;
}

export interface FileTarget {
  path: string;
  /** How long after a write to keep polling for an answer. */
  readWindowMs?: number;
  pollMs?: number;
  /** A write that makes no progress this long fails (the printer stopped taking data). */
  writeTimeoutMs?: number;
}

function fileError(path: string, err: NodeJS.ErrnoException, doing: string): DeviceError {
  switch (err.code) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return new DeviceError('unavailable', 'not-found', { zh: `未找到打印机 ${path}，请检查 USB 连接线和电源`, en: `no printer at ${path} (${err.code}); check the USB cable and power` });
    case 'EACCES':
    case 'EPERM':
      return new DeviceError('unavailable', 'no-permission', { zh: `无权访问 ${path}（需加入 lp 用户组）`, en: `no permission to ${doing} ${path} (add the user to the lp group)` });
    case 'ENOSPC':
      return new DeviceError('status', 'paper-out', { zh: '打印机缺纸', en: `the printer at ${path} is out of paper (ENOSPC)` });
    default:
      return new DeviceError('transport', `${doing}-failed`, { zh: `打印机 ${path} 通信失败`, en: `cannot ${doing} ${path}: ${err.code ?? ''} ${err.message}` });
  }
}

const GONE = new Set(['ENODEV', 'ENXIO', 'EIO', 'ENOENT', 'EBADF']);

export async function openFileLink(t: FileTarget): Promise<FileLink> {
  const { path } = t;
  const readWindowMs = t.readWindowMs ?? 2000;
  const pollMs = t.pollMs ?? 10;
  const writeTimeoutMs = t.writeTimeoutMs ?? 10_000;
  const nb = constants.O_NONBLOCK | constants.O_NOCTTY;
  let fh: fsp.FileHandle;
  let readable = true;
  try {
    fh = await fsp.open(path, constants.O_RDWR | nb);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'EACCES' && e.code !== 'EPERM' && e.code !== 'EINVAL' && e.code !== 'EROFS') throw fileError(path, e, 'open');
    try {
      fh = await fsp.open(path, constants.O_WRONLY | nb);
      readable = false;
    } catch (err2) {
      throw fileError(path, err2 as NodeJS.ErrnoException, 'open');
    }
  }
  const ev = new LinkEvents();
  let pollUntil = 0;
  let polling: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  const readBuf = Buffer.alloc(256);

  const gone = (err: NodeJS.ErrnoException) => {
    if (ev.isClosed) return;
    clearTimeout(polling);
    closing = true;
    void fh.close().catch(() => {});
    ev.emitClose(fileError(path, err, 'read'));
  };

  const poll = async () => {
    polling = undefined;
    if (closing || ev.isClosed) return;
    try {
      const { bytesRead } = await fh.read(readBuf, 0, readBuf.length, null);
      if (bytesRead > 0) ev.emitData(new Uint8Array(readBuf.subarray(0, bytesRead)));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EAGAIN' && e.code !== 'EWOULDBLOCK') {
        if (GONE.has(e.code ?? '')) return gone(e);
      }
    }
    if (!closing && Date.now() < pollUntil) polling = setTimeout(() => void poll(), pollMs);
  };

  const writeAll = async (bytes: Uint8Array) => {
    const deadline = Date.now() + writeTimeoutMs;
    let off = 0;
    while (off < bytes.length) {
      if (ev.isClosed) throw new DeviceError('transport', 'closed', { zh: '打印机已断开', en: `${path} is closed` });
      try {
        const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, null);
        off += bytesWritten;
        if (bytesWritten > 0) continue;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code !== 'EAGAIN' && e.code !== 'EWOULDBLOCK') {
          const de = fileError(path, e, 'write');
          if (GONE.has(e.code ?? '')) gone(e);
          throw de;
        }
      }
      if (Date.now() > deadline) throw new DeviceError('timeout', 'write-timeout', { zh: '打印机不接收数据', en: `${path} took no data for ${writeTimeoutMs} ms` });
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    description: `file ${path}${readable ? '' : ' (write-only)'}`,
    readable,
    write: async (bytes) => {
      await writeAll(bytes);
      if (readable) {
        pollUntil = Date.now() + readWindowMs;
        if (!polling) polling = setTimeout(() => void poll(), 0);
      }
    },
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    check: async () => {
      try {
        await fsp.access(path, constants.W_OK);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        gone(e);
        throw fileError(path, e, 'open');
      }
    },
    close: async () => {
      closing = true;
      clearTimeout(polling);
      if (!ev.isClosed) await fh.close().catch(() => {});
      ev.emitClose();
    },
  };
}
