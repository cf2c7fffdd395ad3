-- Argo CD health check for mcpfleet.dev/McpServer, read from the operator's status:
--   Progressing  the operator has not observed the latest spec yet (observedGeneration), or the
--                server is rolling out, starting, or being verified over MCP
--   Degraded     the spec is invalid (Accepted=False), a referenced Secret/ConfigMap is missing,
--                the rollout stalled, or the server does not answer MCP (Degraded=True)
--   Healthy      Ready=True for the current generation, including a settled scale to zero
--                (Ready=True, reason ScaledToZero: zero replicas is the desired state, so a
--                sync wave or an app waiting on the server is not held up)
-- Installed through argocd-cm (deploy/argocd/kustomization.yaml); tested with gopher-lua, the
-- interpreter Argo CD embeds, on statuses made by the operator's own status builder.
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

local function condition(conditions, type)
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

if obj.status == nil then
  return hs
end

local generation = obj.metadata.generation or 0
local observed = obj.status.observedGeneration or 0
if observed < generation then
  hs.message = "Waiting for the operator to observe generation " .. generation .. " (observed " .. observed .. ")"
  return hs
end

local conditions = obj.status.conditions or {}
local accepted = condition(conditions, "Accepted")
local available = condition(conditions, "Available")
local ready = condition(conditions, "Ready")
local degraded = condition(conditions, "Degraded")

if ready ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.message = "Waiting for the Ready condition of generation " .. generation
  return hs
end

if accepted ~= nil and accepted.status == "False" then
  hs.status = "Degraded"
  hs.message = "Invalid spec: " .. (accepted.message or accepted.reason or "")
  return hs
end

if degraded ~= nil and degraded.status == "True" and degraded.reason ~= "ReplicasUnavailable" then
  hs.status = "Degraded"
  hs.message = degraded.message or degraded.reason or "Degraded"
  return hs
end

if available ~= nil and available.status == "False" and available.reason == "DeploymentUnavailable" then
  hs.status = "Degraded"
  hs.message = available.message or "Rollout stalled"
  return hs
end

if ready ~= nil and ready.status == "True" and ready.reason == "ScaledToZero" then
  hs.status = "Healthy"
  hs.message = "Scaled to zero replicas"
  return hs
end

if ready ~= nil and ready.status == "True" then
  if degraded ~= nil and degraded.status == "True" then
    hs.message = degraded.message or "Replicas starting"
    return hs
  end
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end

if ready ~= nil then
  hs.message = ready.message or ready.reason or hs.message
end
return hs
