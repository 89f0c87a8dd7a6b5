// OpenAPI 3 made from the routes' zod schemas, and an interactive page at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export default fp(
  async function docs(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: '三张清单 API / three-lists API',
          description:
            '责任清单、督办清单、销号清单的 HTTP 接口。除 `/health` 与登录外，每个接口都需要 `Authorization: Bearer <token>`（由 `POST /api/auth/login` 取得）。' +
            '错误统一为 `{code, message, field?}`：`code` 为英文错误码，`message` 为中文说明。POST 接口接受 `Idempotency-Key` 请求头，重复请求不会重复生效。',
          version: '0.1.0',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'POST /api/auth/login 返回的 token' },
          },
        },
        security: [{ bearer: [] }],
        tags: [
          { name: 'auth', description: '登录与会话' },
          { name: 'lists', description: '三张清单' },
          { name: 'measures', description: '措施：新建、交办与各项操作' },
          { name: 'policies', description: '政策文件、导入与督办规则' },
          { name: 'scorecards', description: '监督考核' },
          { name: 'exports', description: 'Excel 导出' },
          { name: 'people', description: '人员（管理员）' },
          { name: 'departments', description: '部门' },
          { name: 'health', description: '健康检查' },
        ],
      },
      transform: createJsonSchemaTransform({ skipList: ['/docs', '/docs/*', '/docs/json', '/docs/yaml', '/docs/static/*', '/docs/uiConfig', '/docs/initOAuth'] }),
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
    });
  },
  { name: 'docs' },
);
