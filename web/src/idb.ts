// One small key-value store in IndexedDB: it can hold a non-extractable CryptoKey (localStorage cannot,
// and secrets never go to localStorage anyway).
const DB_NAME = 'clawgate-dashboard';
const STORE = 'kv';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
}

function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB transaction failed'));
        };
      }),
  );
}

/** Read one value (undefined when absent). */
export function idbGet<T>(key: string): Promise<T | undefined> {
  return run('readonly', (s) => s.get(key) as IDBRequest<T | undefined>);
}

/** Write one value. */
export function idbPut(key: string, value: unknown): Promise<void> {
  return run('readwrite', (s) => s.put(value, key)).then(() => undefined);
}
