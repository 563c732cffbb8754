/*
 * A rendered golden-path workspace that passes every guardrail, and pieces to
 * break it with. Secret-looking test values are assembled at runtime so that
 * this file itself never contains one.
 */

export const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes payments
  annotations:
    backstage.io/techdocs-ref: dir:.
    github.com/project-slug: fernhill/payments-api
    backstage.io/kubernetes-id: payments-api
    paved.dev/template-version: '1.4.0'
spec:
  type: service
  lifecycle: experimental
  owner: group:default/checkout
`;

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  labels:
    backstage.io/kubernetes-id: payments-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: payments-api
  template:
    metadata:
      labels:
        app: payments-api
        backstage.io/kubernetes-id: payments-api
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: app
          image: ghcr.io/fernhill/payments-api:1.0.0
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /healthz, port: 8080 }
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: { name: payments-db, key: password }
---
apiVersion: v1
kind: Service
metadata:
  name: payments-api
spec:
  selector:
    app: payments-api
  ports:
    - port: 80
      targetPort: 8080
`;

export const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: payments-report
  labels:
    backstage.io/kubernetes-id: payments-api
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            backstage.io/kubernetes-id: payments-api
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/fernhill/payments-report@sha256:${'a'.repeat(64)}
              securityContext:
                runAsNonRoot: true
              resources:
                requests: { cpu: 50m, memory: 64Mi }
                limits: { cpu: 200m, memory: 128Mi }
`;

export const DEPLOY_WORKFLOW = `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./deploy.sh
      - name: Report the deployment to Paved
        env:
          PAVED_CI_TOKEN: \${{ secrets.PAVED_CI_TOKEN }}
        run: |
          curl -fsS -X POST "\${{ vars.PAVED_URL }}/api/dora/events" \\
            -H "Authorization: Bearer $PAVED_CI_TOKEN" \\
            -H 'Content-Type: application/json' \\
            -d '{"events":[{"type":"deployment","id":"\${{ github.run_id }}","service":"payments-api"}]}'
`;

export const APP_CONFIG = `server:
  port: 8080
database:
  host: payments-db
  password: \${DB_PASSWORD}
`;

/** The clean workspace, as `createMockDirectory` content. */
export function cleanWorkspace(): Record<string, string> {
  return {
    'catalog-info.yaml': CATALOG_INFO,
    'README.md': '# payments-api\n\nTakes payments.\n',
    'docs/index.md': '# Payments API\n',
    'k8s/base/deployment.yaml': DEPLOYMENT,
    'k8s/base/cronjob.yaml': CRONJOB,
    '.github/workflows/deploy.yml': DEPLOY_WORKFLOW,
    'config/app.yaml': APP_CONFIG,
  };
}

/** Secret-shaped values, never real ones. */
export const fakeSecrets = {
  githubToken: ['ghp', 'x'.repeat(36)].join('_'),
  githubPat: ['github', 'pat', `11${'A'.repeat(20)}`, 'b'.repeat(59)].join('_'),
  awsAccessKeyId: ['AKIA', 'Q'.repeat(16)].join(''),
  slackToken: ['xoxb', '1234567890', 'abcdefghij'].join('-'),
  privateKeyHeader: ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' '),
  password: ['hunter', '2-correct-horse'].join(''),
};
