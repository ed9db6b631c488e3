/**
 * Training progress on the terminal, the same for every model family: a carriage-return line per batch when
 * stderr is a terminal (a plain line a minute when it is a log file, so a long epoch is not silent), one line
 * per epoch (loss, validation loss, the family's metrics), and why it stopped.
 */
import type { ProgressEvent } from '../kernels/tensor/loop';

const METRIC_LABELS: Record<string, string> = { valPearson: 'val r', valSpearman: 'ρ', valMse: 'val MSE', kl: 'KL' };

const LOG_INTERVAL_MS = 60_000;
let lastLogged = 0;

export function terminalProgress(event: ProgressEvent): void {
  const rate = `${Math.round(event.examplesPerSecond)} examples/s`;
  if (event.type === 'batch') {
    const line = `epoch ${event.epoch}/${event.epochs} batch ${event.batch}/${event.batches} step ${event.step}/${event.steps} loss ${event.loss.toFixed(4)} ${rate} ETA ${Math.round(event.etaSeconds)} s`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}   `);
    } else if (Date.now() - lastLogged >= LOG_INTERVAL_MS) {
      lastLogged = Date.now();
      process.stderr.write(`${line}\n`);
    }
  } else if (event.type === 'epoch') {
    if (process.stderr.isTTY) process.stderr.write('\n');
    const metrics = Object.entries(event.metrics).map(([k, v]) => `${METRIC_LABELS[k] ?? k} ${v.toFixed(4)}`).join(' ');
    process.stderr.write(
      `epoch ${event.epoch}/${event.epochs} step ${event.step} loss ${event.loss.toFixed(4)} val loss ${event.valLoss?.toFixed(4)} ` +
        `${metrics} lr ${event.learningRate.toPrecision(3)} ${rate}${event.best ? ' (best)' : ''}\n`,
    );
  } else if (event.stopped === 'early-stopping') {
    process.stderr.write(`stopped early after epoch ${event.epoch}\n`);
  } else if (event.stopped === 'max-steps') {
    process.stderr.write(`stopped after ${event.step} steps (max steps)\n`);
  }
}
