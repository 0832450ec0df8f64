import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { freePort, type ProcessHandle, spawnProcess, waitFor } from '@csms/testkit'

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx']

/** The nginx binary, or a clear failure: the profile 3 tests must not pass without their proxy. */
export function findNginx(): string {
  for (const path of CANDIDATES) if (existsSync(path)) return path
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error(
      'nginx is not installed: security profile 3 is tested behind a real nginx (apt-get install nginx-light)',
    )
  }
}

export type Nginx = { port: number; handle: ProcessHandle; stop(): Promise<void> }

/**
 * nginx as a TLS-terminating ingress in front of a gateway: it verifies client certificates
 * against the operator's CA (optional, so profile 2 stations without one pass too) and forwards
 * the verdict and subject as ingress-nginx does, plus X-Forwarded-For/-Proto.
 */
export async function startNginx(opts: {
  dir: string
  upstreamPort: number
  cert: string
  key: string
  clientCa: string
}): Promise<Nginx> {
  const binary = findNginx()
  const prefix = join(opts.dir, 'nginx')
  await mkdir(join(prefix, 'tmp'), { recursive: true })
  // Workers run as nobody: they need to reach the prefix (temp files); keys are read by the master.
  await chmod(opts.dir, 0o755)
  await chmod(prefix, 0o755)
  const port = await freePort()
  const conf = join(prefix, 'nginx.conf')
  await writeFile(
    conf,
    `worker_processes 1;
error_log ${prefix}/error.log warn;
pid ${prefix}/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${opts.cert};
    ssl_certificate_key ${opts.key};
    ssl_client_certificate ${opts.clientCa};
    ssl_verify_client optional;
    ssl_verify_depth 2;
    location /ocpp/ {
      proxy_pass http://127.0.0.1:${opts.upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Sec-WebSocket-Protocol $http_sec_websocket_protocol;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header ssl-client-verify $ssl_client_verify;
      proxy_set_header ssl-client-subject-dn $ssl_client_s_dn;
      proxy_read_timeout 3600s;
    }
  }
}
`,
  )
  const handle = await spawnProcess({
    name: 'nginx',
    command: binary,
    args: ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', conf, '-g', 'daemon off;'],
    silent: process.env.CSMS_TEST_VERBOSE !== '1',
  })
  const exited = new AbortController()
  void handle.exited.then(() => exited.abort(new Error(`nginx exited: ${handle.recentOutput().join('\n')}`)))
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.destroy()
          resolve(true)
        })
        socket.once('error', () => resolve(false))
      }),
    { timeoutMs: 15_000, description: `nginx on port ${port}`, signal: exited.signal },
  )
  return { port, handle, stop: async () => void (await handle.stop('SIGQUIT', 5_000)) }
}
