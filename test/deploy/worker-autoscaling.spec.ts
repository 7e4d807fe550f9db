import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_JOBS_METRIC, QUEUES } from '@agent-squad/queue';
import { parseAllDocuments } from 'yaml';
import { SEED } from './seed';

const REPO_ROOT = join(__dirname, '..', '..');
const K8S = join(REPO_ROOT, 'deploy', 'k8s');

/** The fields of the manifests this test reads; the assertions check their values. */
interface Container {
  command: string[];
  env: { name: string }[];
  resources: unknown;
  readinessProbe: { httpGet: unknown };
  livenessProbe: { httpGet: unknown };
}
interface Deployment {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { replicas?: number; selector: { matchLabels: unknown }; template: { metadata: { labels: unknown }; spec: { containers: Container[] } } };
}
interface ScaledObject {
  apiVersion: string;
  kind: string;
  spec: {
    scaleTargetRef: unknown;
    minReplicaCount: number;
    maxReplicaCount: number;
    advanced: { horizontalPodAutoscalerConfig: { behavior: unknown } };
    triggers: { type: string; metricType: string; metadata: { threshold: string; query: string } }[];
  };
}

function manifests<T>(file: string): T[] {
  const documents = parseAllDocuments(readFileSync(join(K8S, file), 'utf8'));
  for (const document of documents) expect(document.errors).toEqual([]);
  return documents.map((document) => document.toJS() as T);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('worker autoscaling manifests (deploy/k8s)', () => {
  const [deployment] = manifests<Deployment>('worker-deployment.yaml') as [Deployment];
  const [scaledObject] = manifests<ScaledObject>('worker-autoscaling.yaml') as [ScaledObject];

  it('deploys the worker app with the seed resources and the health probes', () => {
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    // The autoscaler owns the replica count: a replicas field would reset it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.template.metadata.labels).toEqual(deployment.spec.selector.matchLabels);
    const [container] = deployment.spec.template.spec.containers as [Container];
    expect(container.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(existsSync(join(REPO_ROOT, 'apps', 'worker', 'src', 'main.ts'))).toBe(true);
    expect(container.resources).toEqual(SEED.workerResources);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'JWT_SECRET']));
  });

  it('scales that deployment on the exported queue depth: up above 100 waiting, down below 20, 2..20 replicas', () => {
    expect(scaledObject).toMatchObject({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' });
    const { spec } = scaledObject;
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([SEED.hpa.minReplicas, SEED.hpa.maxReplicas]);
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(SEED.behavior);

    const [trigger] = spec.triggers as [ScaledObject['spec']['triggers'][number]];
    expect(trigger).toMatchObject({ type: 'prometheus', metricType: 'Value', metadata: { threshold: '1' } });
    const depth = escape(`max(${QUEUE_JOBS_METRIC}{queue="${QUEUES.executions.name}",state="waiting"})`);
    const band = new RegExp(`^\\(${depth} / (\\d+) > 1\\) or \\(${depth} / (\\d+) < 1\\) or vector\\(1\\)$`).exec(trigger.metadata.query.replace(/\s+/g, ' ').trim());
    expect(band).not.toBeNull();
    expect([Number(band![1]), Number(band![2])]).toEqual([SEED.scaleUpAbove, SEED.scaleDownBelow]);
  });
});
