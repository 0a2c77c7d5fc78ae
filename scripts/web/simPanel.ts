/**
 * Web mode's "hands on the devices": a small page (its own port on 127.0.0.1) to place an ID card
 * on the simulated reader, scan a code, press an evaluator key, press the document camera's foot
 * pedal, run the printer out of paper, and see what the printer printed and what the LED strip
 * shows. A demo aid only.
 */
import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { SAMPLE_CARDS } from '../../electron/devices/sim/cardReaderSim';
import type { SimulatedDevices } from '../../electron/devices/sim/simulatedDevices';

const ActionSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('card'), card: z.enum(Object.keys(SAMPLE_CARDS) as [string, ...string[]]) }),
  z.object({ do: z.literal('remove-card') }),
  z.object({ do: z.literal('scan'), text: z.string().min(1).max(200) }),
  z.object({ do: z.literal('key'), level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]) }),
  z.object({ do: z.literal('paper'), state: z.enum(['ok', 'near-end', 'out']) }),
  z.object({ do: z.literal('pedal') }),
]);

export interface SimPanel {
  url: string;
  close(): Promise<void>;
}

export async function startSimPanel(sims: SimulatedDevices, port = 0): Promise<SimPanel> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE(Object.entries(SAMPLE_CARDS).map(([k, c]) => [k, `${(c as { name?: string; chineseName?: string }).name ?? (c as { chineseName?: string }).chineseName ?? k} (${c.birth.slice(0, 4)})`])));
      return;
    }
    if (req.method === 'GET' && req.url === '/state') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ printed: sims.printer.lines.slice(-40), led: sims.led.shows(1) ?? '', paper: sims.printer.state.paper }));
      return;
    }
    if (req.method === 'POST' && req.url === '/do') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', async () => {
        const parsed = ActionSchema.safeParse((() => { try { return JSON.parse(body); } catch { return null; } })());
        if (!parsed.success) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: parsed.error.issues[0]?.message }));
          return;
        }
        const a = parsed.data;
        if (a.do === 'card') sims.card.placeCard(SAMPLE_CARDS[a.card as keyof typeof SAMPLE_CARDS]);
        else if (a.do === 'remove-card') sims.card.removeCard();
        else if (a.do === 'scan') await sims.scanner.scan(a.text);
        else if (a.do === 'key') await sims.evaluator.press(sims.keyFor(a.level));
        else if (a.do === 'pedal') await sims.trigger.press();
        else sims.printer.state.paper = a.state;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const PAGE = (cards: Array<[string, string]>) => `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>hallq 模拟设备 Simulated devices</title>
<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px;max-width:900px}button{font-size:16px;margin:4px;padding:8px 12px}pre{background:#f4f4f4;padding:12px;min-height:120px}section{margin-bottom:18px}</style>
<h1>模拟设备 Simulated devices</h1>
<section><h2>身份证读卡器 ID card reader</h2>${cards.map(([k, n]) => `<button onclick="act({do:'card',card:'${k}'})">${n}</button>`).join('')}<button onclick="act({do:'remove-card'})">取走 Remove</button></section>
<section><h2>扫码器 Scanner</h2><input id="scan" placeholder="预约码 appointment code" style="font-size:16px;padding:6px"><button onclick="act({do:'scan',text:document.getElementById('scan').value})">扫码 Scan</button></section>
<section><h2>评价器按键 Evaluator keypad</h2>${[5, 4, 3, 2, 1].map((l) => `<button onclick="act({do:'key',level:${l}})">${l}</button>`).join('')}</section>
<section><h2>高拍仪脚踏 Document camera pedal</h2><button onclick="act({do:'pedal'})">踩脚踏 Press the pedal</button></section>
<section><h2>打印机 Printer</h2><button onclick="act({do:'paper',state:'ok'})">有纸 Paper OK</button><button onclick="act({do:'paper',state:'out'})">缺纸 Paper out</button> <span id="paper"></span><pre id="printed"></pre></section>
<section><h2>窗口屏 LED strip (1)</h2><pre id="led" style="min-height:0;background:#111;color:#f33;font-size:22px"></pre></section>
<script>
async function act(a){await fetch('/do',{method:'POST',body:JSON.stringify(a)});}
async function poll(){try{const s=await (await fetch('/state')).json();document.getElementById('printed').textContent=s.printed.join('\\n');document.getElementById('led').textContent=s.led;document.getElementById('paper').textContent=s.paper;}catch{}setTimeout(poll,1000);}poll();
</script></html>`;
