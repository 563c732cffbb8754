import { readUnifiedDiff } from './diff';

const DIFF = `diff --git a/k8s/base/deployment.yaml b/k8s/base/deployment.yaml
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/k8s/base/deployment.yaml
@@ -0,0 +1,3 @@
+apiVersion: apps/v1
+kind: Deployment
+metadata: { name: payments }
diff --git a/config/app.yaml b/config/app.yaml
index 1111111..2222222 100644
--- a/config/app.yaml
+++ b/config/app.yaml
@@ -1,4 +1,5 @@
 server:
-  port: 8080
+  port: 8081
+  token: abc
 database:
   host: db
@@ -10,2 +11,2 @@ logging:
 level: info
-format: text
+format: json
\\ No newline at end of file
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-one
-two
`;

describe('reading a unified diff', () => {
  it('gives new files whole, added lines of modified files at their line, and deleted files', () => {
    const files = readUnifiedDiff(DIFF);
    expect(files.added).toEqual([
      {
        path: 'k8s/base/deployment.yaml',
        content:
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: payments }',
      },
    ]);
    expect(files.deleted).toEqual(['old.txt']);
    const [config] = files.modified;
    expect(config.path).toBe('config/app.yaml');
    const lines = config.content.split('\n');
    expect(lines[1]).toBe('  port: 8081');
    expect(lines[2]).toBe('  token: abc');
    expect(lines[0]).toBe('');
    expect(lines[11]).toBe('format: json');
  });

  it('refuses text that is not a unified diff, saying where', () => {
    expect(() => readUnifiedDiff('just some text')).toThrow(
      "no file in it: a unified diff has '---' and '+++' lines",
    );
    expect(() => readUnifiedDiff('--- a/x\nsomething')).toThrow(
      "line 2: '---' is not followed by '+++'",
    );
    expect(() => readUnifiedDiff('--- a/x\n+++ b/x\n@@ nonsense')).toThrow(
      'line 3: not a hunk header',
    );
    expect(readUnifiedDiff('')).toEqual({
      added: [],
      modified: [],
      deleted: [],
    });
  });
});
