/*
 * AI Scout's directory reader: a Node-API addon the crawl uses where it builds (Linux, macOS).
 * Why native: the crawl benchmark against fdfind showed that Node's readdirSync (libuv scandir:
 * one malloc per entry, a sort, one Dirent object per entry) and a helper Worker (its own V8
 * isolate, structured-clone messages) cost a third of the crawl's CPU on top of the kernel's
 * work. This reads a batch of directories into one buffer and hands JavaScript one string.
 *
 * Wire format (the JavaScript side, walker/readout.ts, parses it): for each directory of the
 * batch, in order, its entries as "<type><name>\0" (type 'f' regular file, 'd' directory,
 * 'o' anything else: symlinks are never followed), then "/\0"; or, when the directory cannot be
 * read, only "/<errno>\0". NUL and '/' cannot occur in a file name, so the format is unambiguous.
 *
 * It never follows a symlink, never reads file content, and allocates only for the batch's output.
 * readDirs runs on the calling thread; start/take run a batch on libuv's thread pool, and take
 * lets the caller pick a finished batch up synchronously between its own reads.
 */
#define _GNU_SOURCE
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char *p;
  size_t len;
  size_t cap;
  int oom;
} out_buf;

static int reserve(out_buf *b, size_t need) {
  if (b->oom) return 0;
  if (b->len + need <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 65536;
  while (cap < b->len + need) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return 0;
  }
  b->p = p;
  b->cap = cap;
  return 1;
}

static void put_error(out_buf *b, int err) {
  if (!reserve(b, 24)) return;
  b->len += (size_t)snprintf(b->p + b->len, 24, "/%d", err) + 1;
}

static char type_of(DIR *d, const struct dirent *e) {
  switch (e->d_type) {
    case DT_REG:
      return 'f';
    case DT_DIR:
      return 'd';
    case DT_UNKNOWN: {
      /* Some file systems do not fill d_type: ask without following a symlink. An entry that
       * vanished in between is "other" (nothing to walk or read). */
      struct stat st;
      if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return 'o';
      return S_ISREG(st.st_mode) ? 'f' : S_ISDIR(st.st_mode) ? 'd' : 'o';
    }
    default:
      return 'o';
  }
}

static void read_one(out_buf *b, const char *path) {
  /* Once a record could not be written the batch is unusable (records are matched to folders
   * by position): nothing more is written, and the caller gets an error for the whole batch. */
  if (b->oom) return;
  DIR *d = opendir(path);
  if (!d) {
    put_error(b, errno);
    return;
  }
  size_t start = b->len;
  struct dirent *e;
  int err = 0;
  for (;;) {
    errno = 0;
    e = readdir(d);
    if (!e) {
      err = errno;
      break;
    }
    const char *n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    size_t l = strlen(n);
    if (!reserve(b, l + 2)) {
      err = ENOMEM;
      break;
    }
    b->p[b->len++] = type_of(d, e);
    memcpy(b->p + b->len, n, l);
    b->len += l;
    b->p[b->len++] = 0;
  }
  closedir(d);
  if (err) {
    /* A directory that fails part-way is reported as unreadable, without a partial listing
     * (the same as readdirSync). The flag was clear on entry, so clearing it here only forgives
     * this directory's failed grow. */
    b->len = start;
    b->oom = 0;
    put_error(b, err);
    return;
  }
  if (reserve(b, 2)) {
    b->p[b->len++] = '/';
    b->p[b->len++] = 0;
  }
}

/* Reads every NUL-separated path of `in` (length n, NUL-terminated). */
static void read_batch(out_buf *b, const char *in, size_t n) {
  for (size_t i = 0; i <= n;) {
    const char *p = in + i;
    size_t l = strlen(p);
    read_one(b, p);
    i += l + 1;
  }
}

static char *string_arg(napi_env env, napi_value v, size_t *len) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string of NUL-separated paths");
    return NULL;
  }
  char *s = malloc(n + 1);
  if (!s) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, n + 1, &n);
  *len = n;
  return s;
}

static napi_value to_string(napi_env env, out_buf *b) {
  napi_value out;
  if (b->oom) {
    napi_throw_error(env, NULL, "out of memory reading directories");
    return NULL;
  }
  if (napi_create_string_utf8(env, b->p ? b->p : "", b->len, &out) != napi_ok) {
    napi_throw_error(env, NULL, "directory listing too large for one string");
    return NULL;
  }
  return out;
}

/* readDirs(paths: string): string, on the calling thread. */
static napi_value read_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "readDirs(paths) needs one argument");
    return NULL;
  }
  size_t n = 0;
  char *in = string_arg(env, argv[0], &n);
  if (!in) return NULL;
  out_buf b = {0};
  read_batch(&b, in, n);
  free(in);
  napi_value out = to_string(env, &b);
  free(b.p);
  return out;
}

/*
 * A batch read on the thread pool. The job is shared by the pool thread (execute), the main
 * thread (complete, take) and the JavaScript handle (its finalizer), and freed when the last of
 * the work and the handle lets go of it. `done` is the only field the two threads share.
 */
/* Marks the handles start() returns, so take() never treats another addon's external as a job. */
static const napi_type_tag JOB_TAG = {0x6169736375742d64ULL, 0x69722d7265616472ULL};

typedef struct {
  napi_async_work work;
  napi_ref callback;
  char *in;
  size_t in_len;
  out_buf out;
  int done; /* written with release by execute, read with acquire by take */
  int taken;
  int refs;
} job;

static void release(job *j) {
  if (--j->refs > 0) return;
  free(j->in);
  free(j->out.p);
  free(j);
}

static void execute(napi_env env, void *data) {
  (void)env;
  job *j = data;
  read_batch(&j->out, j->in, j->in_len);
  __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
}

static void complete(napi_env env, napi_status status, void *data) {
  job *j = data;
  if (!j->taken) {
    /* Not picked up by take(): hand the result to the callback on this turn of the loop. */
    j->taken = 1;
    napi_value cb, global, arg;
    if (napi_get_reference_value(env, j->callback, &cb) == napi_ok &&
        napi_get_global(env, &global) == napi_ok) {
      if (status != napi_ok || j->out.oom)
        napi_get_undefined(env, &arg);
      else if (napi_create_string_utf8(env, j->out.p ? j->out.p : "", j->out.len, &arg) != napi_ok)
        napi_get_undefined(env, &arg);
      napi_call_function(env, global, cb, 1, &arg, NULL);
    }
  }
  napi_delete_reference(env, j->callback);
  napi_delete_async_work(env, j->work);
  free(j->out.p);
  j->out.p = NULL;
  release(j);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release(data);
}

/* start(paths: string, done: (listing: string | undefined) => void): handle */
static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype t;
  if (argc < 2 || napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "start(paths, done) needs a callback");
    return NULL;
  }
  job *j = calloc(1, sizeof(job));
  if (!j) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  j->in = string_arg(env, argv[0], &j->in_len);
  if (!j->in) {
    free(j);
    return NULL;
  }
  napi_value name, handle;
  j->refs = 2;
  if (napi_create_reference(env, argv[1], 1, &j->callback) != napi_ok ||
      napi_create_string_utf8(env, "aiscout-dir-reader", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, j, &j->work) != napi_ok ||
      napi_create_external(env, j, finalize_handle, NULL, &handle) != napi_ok ||
      napi_type_tag_object(env, handle, &JOB_TAG) != napi_ok) {
    napi_throw_error(env, NULL, "cannot start a directory read");
    return NULL; /* leaks one small job on a broken runtime rather than risk a double free */
  }
  if (napi_queue_async_work(env, j->work) != napi_ok) {
    napi_throw_error(env, NULL, "cannot queue a directory read");
    return NULL;
  }
  return handle;
}

/* take(handle): string | undefined: the listing if the batch is finished and not yet taken. */
static napi_value take(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_undefined(env, &result);
  void *data = NULL;
  bool ours = false;
  if (argc < 1 || napi_check_object_type_tag(env, argv[0], &JOB_TAG, &ours) != napi_ok || !ours ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data)
    return result;
  job *j = data;
  if (j->taken || !__atomic_load_n(&j->done, __ATOMIC_ACQUIRE)) return result;
  j->taken = 1;
  return to_string(env, &j->out);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"readDirs", NULL, read_dirs, NULL, NULL, NULL, napi_default, NULL},
      {"start", NULL, start, NULL, NULL, NULL, napi_default, NULL},
      {"take", NULL, take, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
