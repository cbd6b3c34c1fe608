/**
 * The browser's part of a sign-in on the local identity provider, done over plain HTTP: follows
 * the authorization request's redirects with the cookies a browser would keep, fills in the
 * login page's form as a person would, and stops at the redirect back to the client.
 */
export interface LoginResult {
  /** The redirect back to the client (its `code` and `state`), or undefined when the provider did not send one. */
  callback?: URL;
  /** The last page the provider showed, and its status, when it did not redirect back. */
  status: number;
  page: string;
}

export async function completeLogin(
  authorizationUrl: string | URL,
  credentials: { email: string; password: string },
  stopAt: (url: URL) => boolean = (url) => url.pathname === '/callback' || url.searchParams.has('code'),
): Promise<LoginResult> {
  const cookies = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const request = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    remember(response);
    return response;
  };
  let url = new URL(authorizationUrl);
  let response = await request(url);
  let submitted = false;
  for (let hop = 0; hop < 20; hop += 1) {
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      if (stopAt(url)) return { callback: url, status: response.status, page: '' };
      response = await request(url);
      continue;
    }
    const page = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    if (!action || submitted) return { status: response.status, page };
    submitted = true;
    url = new URL(action.replaceAll('&amp;', '&'), url);
    response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentials).toString(),
    });
  }
  throw new Error('too many redirects');
}
