// Validates Kubernetes manifests against the Kubernetes (and KEDA) OpenAPI schemas that the
// `kubernetes-models` packages ship, and prints one JSON result per document. An ES module of its
// own because those packages are ES modules only, which the CommonJS test runner cannot load.
//   node test/deploy/validate-k8s.mjs <file.yaml>...
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';

const MODELS = { 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service, 'apps/v1/Deployment': Deployment, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler, 'networking.k8s.io/v1/Ingress': Ingress, 'keda.sh/v1alpha1/ScaledObject': ScaledObject };

const results = process.argv.slice(2).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length > 0) return { file, error: `YAML: ${document.errors.map((error) => error.message).join('; ')}` };
    const manifest = document.toJS();
    const type = `${manifest.apiVersion}/${manifest.kind}`;
    const Model = MODELS[type];
    const result = { file, type, name: manifest.metadata?.name, manifest };
    if (!Model) return { ...result, error: `no schema for ${type}` };
    try {
      new Model(manifest).validate();
      return result;
    } catch (error) {
      return { ...result, error: error instanceof Error ? error.message : String(error) };
    }
  }),
);
process.stdout.write(JSON.stringify(results));
