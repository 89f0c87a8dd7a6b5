// The dashboard's entry: Ant Design in Chinese, TanStack Query for every API call, and the routes
// of ./routes.tsx behind the sign-in.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { RequireSignIn, signInPath, useSignedIn } from './auth/session';
import { Forbidden, Loading, NotFoundPage } from './components/PageState';
import AppLayout from './layout/AppLayout';
import { HOME, PAGES, type PageRoute } from './routes';

dayjs.locale('zh-cn');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // Retry only what a retry can cure: the network or the server, not a refusal.
      retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
    },
  },
});

const SignInPage = lazy(() => import('./pages/sign-in/SignInPage'));

function Home() {
  return <Navigate to={HOME[useSignedIn().role]} replace />;
}

function Guarded({ route }: { route: PageRoute }) {
  const me = useSignedIn();
  if (!route.roles.includes(me.role)) return <Forbidden />;
  const Page = route.page;
  return <Page />;
}

const router = createBrowserRouter([
  {
    path: '/login',
    element: (
      <Suspense fallback={<Loading />}>
        <SignInPage />
      </Suspense>
    ),
  },
  {
    element: <RequireSignIn />,
    children: [
      {
        element: <AppLayout />,
        children: [{ index: true, element: <Home /> }, ...PAGES.map((route) => ({ path: route.path, element: <Guarded route={route} /> })), { path: '*', element: <NotFoundPage /> }],
      },
    ],
  },
]);

// A session that expired mid-work: forget what was loaded, sign in again, come back here.
setUnauthorizedHandler(() => {
  const here = router.state.location;
  if (here.pathname === '/login') return;
  queryClient.clear();
  void router.navigate(signInPath(here), { replace: true });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* No space inserted between two characters of a button ("登 录"): our labels are written as meant. */}
    <ConfigProvider locale={zhCN} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
