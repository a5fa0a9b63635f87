// The browser tests' mailbox: an SMTP server (nodemailer's smtp-server) that
// the API sends its mails to, writing each message to a file in MAIL_DIR
// that the tests read (e2e/mailbox.ts). Playwright starts it with the API
// (playwright.config.ts); it stops with them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { SMTPServer } from "smtp-server";

const dir = process.env.MAIL_DIR || ".mail";
const port = Number(process.env.MAIL_SMTP_PORT || 2525);
mkdirSync(dir, { recursive: true });

let count = 0;
const server = new SMTPServer({
  // On 127.0.0.1 only, where the API sends without TLS.
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      count++;
      const name = `${Date.now()}-${process.pid}-${count}.eml`;
      writeFileSync(join(dir, name), Buffer.concat(chunks));
      callback();
    });
  },
});
server.on("error", (err) => console.error("mail server:", err.message));
server.listen(port, "127.0.0.1", () => console.log(`mail server on 127.0.0.1:${port}, writing to ${dir}`));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
