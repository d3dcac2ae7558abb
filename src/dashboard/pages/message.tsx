// A plain message page (not found, refused, unexpected error). Never shows
// internal details: those are logged server-side only.
import type { Session } from "../context";
import { Layout } from "../layout";

export function MessagePage({ title, text, session }: { title: string; text: string; session?: Session | null }) {
  return (
    <Layout title={title} session={session ?? null}>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <a href="/admin">Back to flags</a>
      </p>
    </Layout>
  );
}
