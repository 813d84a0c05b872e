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

{{/*
The registry of the images: image.registry, or for the worker worker.image.registry when set. The project publishes
no images, so an empty or malformed registry fails the render, saying what to set, instead of installing an
operator that would sit in ImagePullBackOff.
*/}}
{{- define "dynamo-sync.registry" -}}
{{- $value := index . 0 -}}
{{- $name := index . 1 -}}
{{- $how := "build and push both images to your registry with `images/build-and-push REGISTRY` (README.md, Install on a cluster, step 1), then install with --set image.registry=REGISTRY" -}}
{{- if not $value -}}
{{- fail (printf "%s is not set: dynamo-sync publishes no images; %s" $name $how) -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$" $value) -}}
{{- fail (printf "%s %q is not a registry (a host with an optional port and path, e.g. registry.example.com:5000/team): %s" $name $value $how) -}}
{{- end -}}
{{- $value -}}
{{- end -}}

{{/* The operator image: registry/repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "dynamo-sync.operatorImage" -}}
{{- $registry := include "dynamo-sync.registry" (list .Values.image.registry "image.registry") -}}
{{- printf "%s/%s:%s" $registry .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The worker image: as the operator's, its registry defaulting to image.registry. */}}
{{- define "dynamo-sync.workerImage" -}}
{{- $registry := "" -}}
{{- if .Values.worker.image.registry -}}
{{- $registry = include "dynamo-sync.registry" (list .Values.worker.image.registry "worker.image.registry") -}}
{{- else -}}
{{- $registry = include "dynamo-sync.registry" (list .Values.image.registry "image.registry") -}}
{{- end -}}
{{- printf "%s/%s:%s" $registry .Values.worker.image.repository (default .Chart.AppVersion .Values.worker.image.tag) -}}
{{- end -}}

{{/*
An image's pull policy, from (list pullPolicy tag): pullPolicy when set, else Always for a -SNAPSHOT tag (a rebuilt
snapshot keeps its tag, and IfNotPresent would run whichever build a node pulled first) and IfNotPresent otherwise.
The one home of the rule: the operator gets the workers' as DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY.
*/}}
{{- define "dynamo-sync.pullPolicy" -}}
{{- $policy := index . 0 -}}
{{- $tag := index . 1 -}}
{{- if $policy -}}
{{- $policy -}}
{{- else if hasSuffix "-SNAPSHOT" $tag -}}
Always
{{- else -}}
IfNotPresent
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
# Secrets that integrations and collections name (access keys, query API keys): read by name, nothing more. No
# list or watch (they cannot be narrowed to the named Secrets), no write: a rotated key is read again within a
# status poll period (settings.statusPollPeriod).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# Each collection's worker: its settings ConfigMap, StatefulSet and Service, created and kept as asked. RBAC cannot
# narrow create to names not yet known, so this is any ConfigMap and Service of the watched namespaces (README).
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

{{/* The query front's image: as the worker's, its registry defaulting to image.registry. */}}
{{- define "dynamo-sync.frontImage" -}}
{{- $registry := "" -}}
{{- if .Values.front.image.registry -}}
{{- $registry = include "dynamo-sync.registry" (list .Values.front.image.registry "front.image.registry") -}}
{{- else -}}
{{- $registry = include "dynamo-sync.registry" (list .Values.image.registry "image.registry") -}}
{{- end -}}
{{- printf "%s/%s:%s" $registry .Values.front.image.repository (default .Chart.AppVersion .Values.front.image.tag) -}}
{{- end -}}

{{/* The labels that select the query front's pods. */}}
{{- define "dynamo-sync.frontSelector" -}}
app.kubernetes.io/name: {{ include "dynamo-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: front
{{- end -}}

{{/*
What the query front reads in each namespace whose collections it serves: the collections (to find workers and
answer for them), the query lambdas and views, and the Secrets their spec.query.apiKeySecretRef names (to present a worker its key). Read only.
*/}}
{{- define "dynamo-sync.frontRules" -}}
- apiGroups: ["dynamosync.io"]
  resources: ["dynamocollections", "querylambdas", "queryviews"]
  verbs: ["get", "list", "watch"]
{{- if .Values.front.allowWrites }}
# front.allowWrites: keys with role manage write query lambdas and views through the API.
- apiGroups: ["dynamosync.io"]
  resources: ["querylambdas", "queryviews"]
  verbs: ["create", "update", "patch", "delete"]
{{- end }}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end -}}
