// Who is signed in. The session is the httpOnly cookie the sign-in sets; GET /api/auth/me says
// whose it is. Pages inside <RequireSignIn> may call useSignedIn() and rely on the answer.
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation, type Location } from 'react-router';
import { ApiError } from '../api/client';
import { auth } from '../api/endpoints';
import type { Person } from '../api/types';
import { LoadError, Loading } from '../components/PageState';

export const ME = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: ME, queryFn: auth.me, retry: false, staleTime: Infinity });
}

/** The signed-in person; only inside <RequireSignIn>. */
export function useSignedIn(): Person {
  const { data } = useMe();
  if (!data) throw new Error('useSignedIn outside <RequireSignIn>');
  return data;
}

/** The sign-in page, remembering where to come back to. */
export function signInPath(from: Pick<Location, 'pathname' | 'search'>): string {
  const here = from.pathname + from.search;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

/** Only a path of this site: never `//evil.example` or an absolute URL. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : '/';
}

export function RequireSignIn() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to={signInPath(location)} replace />;
    return <LoadError error={me.error} onRetry={() => void me.refetch()} />;
  }
  return <Outlet />;
}
