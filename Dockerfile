# syntax=docker/dockerfile:1
# three-lists application image: one image, two processes.
#   default CMD  -> HTTP API + dashboard (runtime/api-main.ts; the dashboard is built here, in dist/web)
#   worker       -> node --import tsx runtime/worker-main.ts (docker-compose.yml overrides the command)
#
# The processes are run with `node --import tsx <file>` rather than `npx tsx <file>`: same loader, but
# a single process (no npx/tsx wrapper), so SIGTERM reaches the app's own shutdown handler directly.
#
# For reproducible builds pin the base image by digest, e.g. node:22-bookworm-slim@sha256:...
# Debian (glibc) rather than Alpine: @temporalio/core-bridge ships prebuilt glibc binaries.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- base: Node + npm 11 (package.json "allowScripts" is an npm 11 feature) ----------------------
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11.19.1
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
RUN npm install -g npm@${NPM_VERSION} && npm cache clean --force
WORKDIR /app

# ---- deps: production dependencies only (tsx is a runtime dependency) ---------------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev

# ---- build: all dependencies, then the prebuilt workflow bundle and the dashboard -----------------
FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
COPY . .
RUN npm run build:bundle && npm run build:web

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js

COPY --from=deps /app/node_modules ./node_modules
# Sources (filtered by .dockerignore): tsx runs the TypeScript directly, and the worker applies the
# SQL migrations in db/migrations on start.
COPY . .
# Built from the same sources as above, in the build stage.
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
COPY --from=build /app/dist/web ./dist/web

# Files stay owned by root (read-only to the app); the processes run as the image's `node` user.
# Uploaded evidence files are written to EVIDENCE_DIR: a named volume mounted here takes this
# folder's owner on first use (docker-compose.yml).
RUN mkdir -p /var/lib/three-lists/evidence && chown node:node /var/lib/three-lists/evidence
USER node
EXPOSE 3000

# API health: GET /health is 200 when PostgreSQL and Temporal are reachable, 503 otherwise.
# Slim images have no curl, so use Node's fetch. The worker service disables this check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "--import", "tsx", "runtime/api-main.ts"]
