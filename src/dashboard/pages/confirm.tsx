// The no-script confirmation step for dangerous actions: the same form
// again, with `confirmed=1`, the operator's reason and the page's ETag
// carried over. With script, the browser's confirm() dialog replaces it.
import type { Session } from "../context";
import { Layout } from "../layout";

export interface ConfirmProps {
  session: Session;
  question: string;
  action: string;
  fields: Record<string, string>;
  button: string;
  backHref: string;
}

export function ConfirmPage({ session, question, action, fields, button, backHref }: ConfirmProps) {
  return (
    <Layout title="Confirm" session={session}>
      <h1>Please confirm</h1>
      <form method="post" action={action} class="stack panel">
        <p>{question}</p>
        {fields.reason !== undefined ? <p>Reason: “{fields.reason}”</p> : null}
        {Object.entries(fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirmed" value="1" />
        <p>
          <button type="submit" class="danger">
            {button}
          </button>{" "}
          <a href={backHref}>Cancel</a>
        </p>
      </form>
    </Layout>
  );
}
