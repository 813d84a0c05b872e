-- Health of a dynamosync.io DynamoCollection, read from what the dynamo-sync operator writes:
-- the Ready, Reconciling and Stalled conditions, status.phase and status.observedGeneration.
-- The order matters: a stale status says nothing about the current spec, Stalled outranks
-- Ready, and a load that is still running is progress, not a fault.
local hs = {}

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

-- "Reason: message", as `kubectl describe` would lead a user to read it.
local function describe(c, fallback)
  if c == nil then
    return fallback
  end
  local reason = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    return reason .. ": " .. c.message
  end
  return reason
end

-- Reasons the operator pairs with Stalled: nothing moves until the user changes something.
local errorReasons = {
  IntegrationNotFound = true, TableNotFound = true, AccessDenied = true,
  ExportBucketMissing = true, StreamOff = true, StreamViewTypeUnsuitable = true,
  ExportFailed = true, InvalidTransformation = true,
  WorkerCrashLooping = true, WorkerImageUnavailable = true, WorkerCannotStart = true,
  WorkerPodNotCreated = true, StreamGap = true,
}

if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Pending deletion"
  if obj.metadata.finalizers ~= nil and #obj.metadata.finalizers > 0 then
    hs.message = "Pending deletion; waiting for finalizers: " .. table.concat(obj.metadata.finalizers, ", ")
  end
  return hs
end

if obj.status == nil or obj.status.conditions == nil or #obj.status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the dynamo-sync operator to report the collection's status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= generation then
  hs.status = "Progressing"
  if observed == nil then
    hs.message = "Waiting for the operator to act on generation " .. generation
  else
    hs.message = "Waiting for the operator to act on generation " .. generation
      .. "; the status describes generation " .. observed
  end
  return hs
end

local stalled = condition("Stalled")
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

local reconciling = condition("Reconciling")
if isTrue(reconciling) then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  return hs
end

local ready = condition("Ready")
if isTrue(ready) then
  hs.status = "Healthy"
  -- Argo CD stores this message in the Application's status, so it must not change at every
  -- poll: the operator's Ready message names no lag (status.lag has it), and a collection
  -- caught up says so in the fewest words.
  if ready.reason == "CaughtUp" then
    hs.message = "Caught up with the table's stream"
  else
    hs.message = describe(ready)
  end
  return hs
end

if obj.status.phase == "Error" or (ready ~= nil and errorReasons[ready.reason]) then
  hs.status = "Degraded"
  hs.message = describe(ready, "Phase Error")
  return hs
end

if ready ~= nil and ready.reason == "Suspended" then
  hs.status = "Progressing"
  hs.message = ready.message
  local synced = condition("Synced")
  if synced ~= nil and synced.reason == "SuspensionNearsRetention" then
    hs.message = hs.message .. " " .. synced.message
  end
  return hs
end

-- Pending, Validating, Scanning, Exporting, or waiting for the worker.
hs.status = "Progressing"
hs.message = describe(ready, "Waiting for the collection to become Ready")
return hs
