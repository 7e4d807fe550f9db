/** The seed's scaling numbers (scalability.md): what the shipped manifests must say. */
export const SEED = {
  /** "Auto-Scaling Triggers": the HPA of every service. */
  hpa: {
    minReplicas: 2,
    maxReplicas: 20,
    cpu: 70,
    memory: 80,
  },
  behavior: {
    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 25, periodSeconds: 60 }] },
  },
  /** "Right-Sizing": backend pods. */
  backendResources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } },
  /** "Worker Scaling": workers, and their queue-depth band. */
  workerResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
  scaleUpAbove: 100,
  scaleDownBelow: 20,
};
