'use strict';
// Accounts and deployments (SPEC 8 administration): what `fuse-outbound accounts add` and
// `deployments add|set|delete` do, on a store. A running service sees the changes within a second
// (it reads deployments through a short cache, cancels deleted deployments' calls itself and
// journals a changed dial-time policy, SPEC 14, as an engine input).
const { newDeveloperKey, newSigningSecret, hashKey } = require('./credentials');

const EMAIL = /^[^\s@:]+@[^\s@:]+$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

class AdminError extends Error {
  constructor(message) {
    super(message);
    this.exitCode = 1;
  }
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Creates an account: {email, developerKey, signingSecret} (the key is shown only now). */
function addAccount(store, email) {
  if (typeof email !== 'string' || !EMAIL.test(email) || email.length > 254) {
    throw new AdminError(`'${email}' is not an email address (it names the account and is the Basic-auth user name; no ':' allowed)`);
  }
  return when(store.account(email), (existing) => {
    if (existing) throw new AdminError(`an account ${email} exists already`);
    const developerKey = newDeveloperKey();
    const signingSecret = newSigningSecret();
    return when(store.addAccount(email, hashKey(developerKey), signingSecret, nowSeconds()), () => ({ email, developerKey, signingSecret }));
  });
}

function checkId(value, what) {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new AdminError(`${what} '${value}' is not usable in a URL path: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
}

// A policy {weight?, callingHours?} as the core judges it: a throwaway engine's setDeployment gives
// the core's own message for a bad value (no rule is written here). callingHours: a string, an
// object of day: hours, or null (none). Returns the columns {weight, callingHours (JSON text)}.
function checkPolicy(policy, base = { weight: null, calling_hours: null }) {
  const out = { weight: base.weight ?? null, callingHours: base.calling_hours ?? null };
  if (!policy) return out;
  const given = {};
  if (policy.weight !== undefined && policy.weight !== null) given.weight = policy.weight;
  if (policy.callingHours !== undefined) given.callingHours = policy.callingHours;
  const { Engine } = require('../index');
  const engine = new Engine({ capacity: 1 });
  try {
    engine.setDeployment('check', given);
  } catch (err) {
    if (err instanceof TypeError) throw new AdminError(err.message);
    throw new AdminError(`${err.field === 'callingHours' ? '--calling-hours' : err.field === 'weight' ? '--weight' : 'the policy'}: ${err.message}`);
  } finally {
    engine.dispose();
  }
  if (given.weight !== undefined) out.weight = given.weight;
  if (given.callingHours !== undefined) out.callingHours = given.callingHours === null ? null : JSON.stringify(given.callingHours);
  return out;
}

// The policy a row holds, as `deployments add|set` print it.
function policyOf(row, policy) {
  return { weight: policy.weight ?? 1, calling_hours: policy.callingHours === null ? null : JSON.parse(policy.callingHours) };
}

/** Creates deployment `app`/`name` owned by the account `email`; `policy`: {weight?, callingHours?} (SPEC 14). */
function addDeployment(store, email, app, name, policy) {
  checkId(app, 'the application id');
  checkId(name, 'the deployment id');
  const columns = checkPolicy(policy);
  return when(store.account(email), (account) => {
    if (!account) throw new AdminError(`no account ${email}; create it with: fuse-outbound accounts add ${email}`);
    return when(store.deployment(app, name), (existing) => {
      if (existing) {
        throw new AdminError(existing.deleted_at === null ? `deployment ${app}/${name} exists already` : `deployment ${app}/${name} was deleted; its id is not reused: choose another`);
      }
      return when(store.addDeployment(account.id, app, name, nowSeconds(), columns), (id) => ({ id, app, deployment: name, email: account.email, ...policyOf(null, columns) }));
    });
  });
}

/**
 * Changes a deployment's dial-time policy (SPEC 14): {weight?, callingHours?} (keys not given keep
 * their value; callingHours null clears it). A running service applies it within a second.
 */
function setDeployment(store, app, name, policy) {
  return when(store.deployment(app, name), (row) => {
    if (!row) throw new AdminError(`no deployment ${app}/${name}`);
    if (row.deleted_at !== null) throw new AdminError(`deployment ${app}/${name} is deleted`);
    const columns = checkPolicy(policy, row);
    return when(store.setDeploymentPolicy(row.id, columns), () => ({ id: row.id, app, deployment: name, ...policyOf(row, columns) }));
  });
}

/** Deletes a deployment: its pending calls are canceled; its endpoints answer 409 from then on. */
function deleteDeployment(store, app, name) {
  return when(store.deployment(app, name), (row) => {
    if (!row) throw new AdminError(`no deployment ${app}/${name}`);
    if (row.deleted_at !== null) throw new AdminError(`deployment ${app}/${name} is already deleted`);
    return when(store.deleteDeployment(row.id, nowSeconds()), () => ({ id: row.id, app, deployment: name }));
  });
}

// A synchronous store (SQLite) answers at once, an asynchronous one (PostgreSQL) with a promise.
function when(value, fn) {
  return value && typeof value.then === 'function' ? value.then(fn) : fn(value);
}

module.exports = { addAccount, addDeployment, setDeployment, deleteDeployment, AdminError };
