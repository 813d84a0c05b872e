-- Health of a dynamosync.io DynamoIntegration, read from what the dynamo-sync operator writes:
-- the Ready, Reconciling and Stalled conditions and status.observedGeneration. The order
-- matters: a stale status says nothing about the current spec, and Stalled outranks Ready.
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

-- Reasons the operator pairs with Stalled: the credentials need a change from the user.
local errorReasons = {
  SecretNotFound = true, SecretKeyMissing = true, AssumeRoleDenied = true, InvalidCredentials = true,
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
  hs.message = "Waiting for the dynamo-sync operator to check the integration's credentials"
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
  hs.message = describe(ready)
  return hs
end

if ready ~= nil and errorReasons[ready.reason] then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
hs.message = describe(ready, "Waiting for the integration to become Ready")
return hs
