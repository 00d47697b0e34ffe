# One image, two processes: the API (default command) and the worker
# (`node dist/src/main/worker.js`); see docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# dist/workflow-bundle.js is the prebuilt workflow bundle: the worker starts without webpack.
COPY --from=build /app/dist ./dist
# The browser console's sources: the API bundles them with esbuild when it starts.
COPY --from=build /app/src/console ./src/console
USER node
EXPOSE 3000
CMD ["node", "dist/src/main/api.js"]
