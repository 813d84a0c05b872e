{{/* Name of the chart, for labels. */}}
{{- define "dynamo-sync.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object's name: the release name, with the chart's name unless it already holds it. */}}
{{- define "dynamo-sync.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 54 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 54 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object the chart makes. */}}
{{- define "dynamo-sync.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "dynamo-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dynamo-sync
{{- end -}}

{{/* Labels that select the operator's pods. */}}
{{- define "dynamo-sync.operatorSelector" -}}
app.kubernetes.io/name: {{ include "dynamo-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* Name of the operator's ServiceAccount. */}}
{{- define "dynamo-sync.operatorServiceAccount" -}}
{{- default (printf "%s-operator" (include "dynamo-sync.fullname" .)) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Name of the workers' ServiceAccount. */}}
{{- define "dynamo-sync.workerServiceAccount" -}}
{{- default (printf "%s-worker" (include "dynamo-sync.fullname" .)) .Values.worker.serviceAccount.name -}}
{{- end -}}

{{/* An image reference from {registry, repository, tag}, the tag defaulting to the chart's appVersion. */}}
{{- define "dynamo-sync.image" -}}
{{- $image := index . 0 -}}
{{- $root := index . 1 -}}
{{- $tag := default $root.Chart.AppVersion $image.tag -}}
{{- if $image.registry -}}
{{- printf "%s/%s:%s" $image.registry $image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* "true" when the replicas elect a leader: more than one of them, or asked for. */}}
{{- define "dynamo-sync.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{/* The namespaces that hold workers, one a line: the release's, the watched ones, worker.namespaces. */}}
{{- define "dynamo-sync.workerNamespaces" -}}
{{- $all := concat (list .Release.Namespace) .Values.watchNamespaces .Values.worker.namespaces | uniq -}}
{{- range $all }}
{{ . }}
{{- end -}}
{{- end -}}

{{/*
What the operator does in each namespace it watches, exactly as operator/rbac-rules.txt lists it (scope
"watched"); the charts module's tests hold the two equal. Used by the ClusterRole (all namespaces) or by the
Role in each of watchNamespaces.
*/}}
{{- define "dynamo-sync.watchedRules" -}}
# Reconciled kinds: informers list and watch them; the finalizer is a patch; status is replaced at the version
# read (update of /status), so that a write decided on stale data is refused rather than merged.
- apiGroups: ["dynamosync.io"]
  resources: ["dynamocollections"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["dynamosync.io"]
  resources: ["dynamointegrations"]
  verbs: ["list", "watch"]
- apiGroups: ["dynamosync.io"]
  resources: ["dynamocollections/status", "dynamointegrations/status"]
  verbs: ["update"]
# Secrets that integrations and collections refer to: read, and watched so that a rotated key re-validates its
# integration and rolls its workers. The informer sees only Secrets the operator labelled as referenced (patch).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "patch"]
# Each collection's worker: its settings ConfigMap, StatefulSet and Service, created and kept as asked.
- apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["get", "create", "update"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "create", "update", "delete"]
# A larger spec.storage.size expands the worker's volume claim; deletionPolicy Delete removes it with the collection.
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "patch", "delete"]
# Events on integrations and collections, as kubectl describe shows them; listed (read) only while a worker has
# no pod, for the StatefulSet controller's FailedCreate that says why.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list"]
# A worker that does not answer: its pod's container states say whether it is crash-looping or its image cannot
# be pulled (the collection is then Stalled, not waiting forever).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
{{- end -}}

{{- define "dynamo-sync.clusterRules" -}}
# Before expanding a volume claim, whether its StorageClass allows expansion (StorageClasses are not namespaced).
- apiGroups: ["storage.k8s.io"]
  resources: ["storageclasses"]
  verbs: ["get"]
{{- end -}}
