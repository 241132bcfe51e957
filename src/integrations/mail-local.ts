// Local mode's transport: nothing leaves the machine. The message is marked sent with a local id
// and stays in mail_outbox, where GET /outbox shows it (so a person trying the app can click
// the invitation link).
import { newId } from "../ids.js";
import type { MailTransport } from "./mail-transport.js";

export function createLocalTransport(): MailTransport {
  return {
    name: "local",
    async sendBatch(messages) {
      return { ok: true, providerIds: messages.map(() => `local_${newId()}`) };
    },
  };
}
