// Plain-text report for the compat run: one block per command (what ran, exit
// code, verdict, output) and a PASS/FAIL summary table. Secrets are masked so
// the report can be pasted into an issue.

export const OUTPUT_LIMIT = 2000;

export function truncate(text, limit = OUTPUT_LIMIT) {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… [${text.length - limit} more chars truncated]`;
}

// Arguments as a POSIX shell would need them, so a report line can be pasted.
export function shellArgs(args) {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export class Report {
  constructor() {
    this.lines = [];
    this.rows = [];
    this.secrets = [];
  }

  // Values that must never appear in the report (the gateway token).
  addSecret(value) { if (value) this.secrets.push(value); }

  redact(text) {
    let s = String(text);
    for (const v of this.secrets) s = s.split(v).join('<gateway-token>');
    return s;
  }

  // Print as we go (progress for the person watching) and keep for the file.
  line(text = '') {
    const s = this.redact(text);
    this.lines.push(s);
    process.stdout.write(s + '\n');
  }

  section(title) {
    this.line('');
    this.line(`=== ${title} ${'='.repeat(Math.max(3, 76 - title.length))}`);
  }

  /** A step that ran a command. r: runOpenclaw() result; verdict: {ok, note}. */
  command(id, title, r, commandLine, verdict) {
    this.section(`[${id}] ${title}`);
    this.line(`$ ${commandLine}`);
    const exit = r.timedOut ? `timeout after ${r.ms} ms (killed)` : r.signal ? `signal ${r.signal}` : String(r.code);
    this.line(`exit: ${exit}   (${r.ms} ms)`);
    this.line(`result: ${verdict.ok ? 'PASS' : 'FAIL'}${verdict.note ? ` (${verdict.note})` : ''}`);
    this.line('--- stdout ---');
    this.line(truncate(r.stdout.trimEnd()) || '(empty)');
    this.line('--- stderr ---');
    this.line(truncate(r.stderr.trimEnd()) || '(empty)');
    this.rows.push({ id, title, ok: verdict.ok, exit: r.timedOut ? 'timeout' : r.signal ?? String(r.code), note: verdict.note ?? '' });
  }

  /** A step without a command of its own (setup, teardown). */
  note(id, title, ok, note) {
    this.section(`[${id}] ${title}`);
    this.line(`result: ${ok ? 'PASS' : 'FAIL'}${note ? ` (${note})` : ''}`);
    this.rows.push({ id, title, ok, exit: '-', note: note ?? '' });
  }

  get failed() { return this.rows.filter((r) => !r.ok).length; }

  summary() {
    this.section('Summary');
    const iw = Math.max(4, ...this.rows.map((r) => String(r.id).length));
    const w = Math.max(7, ...this.rows.map((r) => r.title.length));
    const ex = Math.max(4, ...this.rows.map((r) => r.exit.length));
    this.line(`${'step'.padEnd(iw)}  ${'command'.padEnd(w)}  result  ${'exit'.padEnd(ex)}  note`);
    this.line(`${'-'.repeat(iw)}  ${'-'.repeat(w)}  ------  ${'-'.repeat(ex)}  ----`);
    for (const r of this.rows) {
      const note = r.note.length > 90 ? r.note.slice(0, 87) + '...' : r.note;
      this.line(`${String(r.id).padEnd(iw)}  ${r.title.padEnd(w)}  ${(r.ok ? 'PASS' : 'FAIL').padEnd(6)}  ${r.exit.padEnd(ex)}  ${note}`);
    }
    const passed = this.rows.length - this.failed;
    this.line('');
    this.line(`compat: ${passed} passed, ${this.failed} failed`);
  }

  text() { return this.lines.join('\n') + '\n'; }
}
