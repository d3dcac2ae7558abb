// Sign-in page: one password field for an admin API token, posted to
// /admin/login (never a query string, so the token stays out of URLs,
// history and logs). Any scope may sign in; controls follow the scope.
import { Layout, type Notice } from "../layout";

export function LoginPage({ notice }: { notice?: Notice | null }) {
  return (
    <Layout title="Sign in" notice={notice ?? null}>
      <section class="login panel" aria-labelledby="login-title">
        <h1 id="login-title">Sign in to switchyard</h1>
        <form class="stack" method="post" action="/admin/login">
          <label for="token">Admin API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            spellcheck={false}
            aria-describedby="token-hint"
          />
          <p class="hint" id="token-hint">
            A token starting with <code>syk_</code> (read, operate or admin scope). It is kept in an HttpOnly cookie for
            this browser session and never shown again.
          </p>
          <p>
            <button class="primary" type="submit">
              Sign in
            </button>
          </p>
        </form>
      </section>
    </Layout>
  );
}
