'use strict';
// Accounts and deployments (SPEC 8 administration): what `fuse-outbound accounts add` and
// `deployments add|delete` do, on a store. A running service sees the changes within a second
// (it reads deployments through a short cache and cancels deleted deployments' calls itself).
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

/** Creates deployment `app`/`name` owned by the account `email`. */
function addDeployment(store, email, app, name) {
  checkId(app, 'the application id');
  checkId(name, 'the deployment id');
  return when(store.account(email), (account) => {
    if (!account) throw new AdminError(`no account ${email}; create it with: fuse-outbound accounts add ${email}`);
    return when(store.deployment(app, name), (existing) => {
      if (existing) {
        throw new AdminError(existing.deleted_at === null ? `deployment ${app}/${name} exists already` : `deployment ${app}/${name} was deleted; its id is not reused: choose another`);
      }
      return when(store.addDeployment(account.id, app, name, nowSeconds()), (id) => ({ id, app, deployment: name, email: account.email }));
    });
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

module.exports = { addAccount, addDeployment, deleteDeployment, AdminError };
