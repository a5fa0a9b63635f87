import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Reads the mails the API sent, from the files e2e/mail-server.mjs (or the
// harness running these tests against a deployment) writes to MAIL_DIR.

export const mailDir = process.env.MAIL_DIR || ".mail";

/** Undoes quoted-printable: soft line breaks and =XX escapes. */
function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Waits for a mail to `to` whose subject contains `subject`, sent after
 * `since` (a Date.now()), and returns the link in it to `page`.
 */
export async function linkInMail(
  to: string,
  subject: string,
  page: string,
  since: number,
  timeout = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let files: string[] = [];
    try {
      files = readdirSync(mailDir).sort();
    } catch {
      // Not created yet.
    }
    for (const file of files) {
      if (Number(file.split("-")[0]) < since - 1000) {
        continue;
      }
      const raw = decodeQuotedPrintable(readFileSync(join(mailDir, file), "utf8"));
      const headers = raw.slice(0, raw.search(/\r?\n\r?\n/));
      if (!headers.toLowerCase().includes(to.toLowerCase()) || !headers.includes(subject)) {
        continue;
      }
      const link = raw.match(new RegExp(`https?://[^\\s"<>]*${page}\\?token=[A-Za-z0-9_-]+`));
      if (link) {
        return link[0];
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no mail "${subject}" to ${to} in ${mailDir} within ${timeout} ms. ` +
          "If `make dev` is running, its API prints mails to its log instead of sending them: " +
          "stop it, so that the tests start an API that sends them here.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
