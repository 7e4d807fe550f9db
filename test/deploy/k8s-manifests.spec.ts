import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEED } from './seed';

const REPO_ROOT = join(__dirname, '..', '..');
const K8S = join(REPO_ROOT, 'deploy', 'k8s');

interface Checked {
  file: string;
  type: string;
  name: string;
  error?: string;
  // The fields this test reads; the schemas checked the rest.
  manifest: {
    metadata: { name: string };
    spec: {
      selector?: { matchLabels: Record<string, string> } | Record<string, string>;
      scaleTargetRef?: { name: string };
      minReplicas?: number;
      maxReplicas?: number;
      metrics?: { resource: { name: string; target: { type: string; averageUtilization: number } } }[];
      behavior?: unknown;
      replicas?: number;
      template?: { spec: { securityContext?: { runAsNonRoot?: boolean }; containers: Container[] } };
    };
  };
}
interface Container {
  command: string[];
  resources: unknown;
  readinessProbe?: { httpGet: { path: string }; periodSeconds: number };
  livenessProbe?: { httpGet: { path: string } };
  envFrom?: { configMapRef: { name: string } }[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
}

/** Every manifest of deploy/k8s, validated by the schemas of the `kubernetes-models` packages (an ES module run by Node). */
function checkAll(): Checked[] {
  const files = readdirSync(K8S).filter((file) => file.endsWith('.yaml')).map((file) => join(K8S, file));
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, 'validate-k8s.mjs'), ...files], { cwd: REPO_ROOT, encoding: 'utf8' })) as Checked[];
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  const checked = checkAll();
  const ofType = (type: string) => checked.filter((item) => item.type === type);
  const deployments = ofType('apps/v1/Deployment');

  it('are valid against the Kubernetes and KEDA schemas', () => {
    expect(checked.filter((item) => item.error).map((item) => `${item.file}: ${item.error}`)).toEqual([]);
    expect(checked.length).toBeGreaterThan(10);
  });

  it('deploy every service, each with probes, the seed resources, a Service and no fixed replica count', () => {
    const apps = readdirSync(join(REPO_ROOT, 'apps')).filter((app) => !['monolith', 'restore'].includes(app));
    const commands = deployments.map((item) => item.manifest.spec.template!.spec.containers[0]!.command[1]);
    expect(commands.sort()).toEqual(apps.map((app) => `dist/apps/${app}/src/main.js`).sort());
    for (const { name, manifest } of deployments) {
      const [container] = manifest.spec.template!.spec.containers as [Container];
      expect(existsSync(join(REPO_ROOT, container.command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
      expect(manifest.spec.replicas).toBeUndefined();
      expect(manifest.spec.template!.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(container.resources).toEqual(name.endsWith('-worker') ? SEED.workerResources : SEED.backendResources);
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready' }, periodSeconds: 10 });
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live' } });
      if (!name.endsWith('-worker')) expect(ofType('v1/Service').map((item) => item.name)).toContain(name);
    }
  });

  it('take configuration from the shipped ConfigMap and secrets from the Secret agent-squad', () => {
    const configMaps = ofType('v1/ConfigMap').map((item) => item.name);
    for (const { manifest } of deployments) {
      const [container] = manifest.spec.template!.spec.containers as [Container];
      for (const source of container.envFrom ?? []) expect(configMaps).toContain(source.configMapRef.name);
      const secretRefs = (container.env ?? []).flatMap((variable) => (variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef.name] : []));
      expect(new Set(secretRefs)).toEqual(new Set(['agent-squad']));
      expect((container.env ?? []).map((variable) => variable.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'JWT_SECRET']));
    }
  });

  it("scale every service but the workers with the seed's HPA: CPU 70 %, memory 80 %, 2..20, its scale-up and scale-down pace", () => {
    const hpas = ofType('autoscaling/v2/HorizontalPodAutoscaler');
    const targets = hpas.map((item) => item.manifest.spec.scaleTargetRef!.name).sort();
    expect(targets).toEqual(deployments.map((item) => item.name).filter((name) => !name.endsWith('-worker')).sort());
    for (const { manifest } of hpas) {
      expect([manifest.spec.minReplicas, manifest.spec.maxReplicas]).toEqual([SEED.hpa.minReplicas, SEED.hpa.maxReplicas]);
      const targetsByResource = Object.fromEntries(manifest.spec.metrics!.map((metric) => [metric.resource.name, metric.resource.target]));
      expect(targetsByResource).toEqual({ cpu: { type: 'Utilization', averageUtilization: SEED.hpa.cpu }, memory: { type: 'Utilization', averageUtilization: SEED.hpa.memory } });
      expect(manifest.spec.behavior).toEqual(SEED.behavior);
    }
  });

  it('scale the workers on queue depth with KEDA, and route the public entry round robin to the gateways', () => {
    const [scaled] = ofType('keda.sh/v1alpha1/ScaledObject');
    expect(scaled!.manifest.spec.scaleTargetRef!.name).toBe('agent-squad-worker');
    const [ingress] = ofType('networking.k8s.io/v1/Ingress');
    expect(JSON.stringify(ingress!.manifest)).toContain('"nginx.ingress.kubernetes.io/load-balance":"round_robin"');
    expect(JSON.stringify(ingress!.manifest.spec)).toContain('"name":"agent-squad-gateway"');
  });
});
