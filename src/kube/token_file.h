// A bearer token kept in a file that is rotated underneath us: Kubernetes projected
// service-account tokens expire (one hour by default) and the kubelet swaps in a new file
// well before. Reading once at start would break an hour later.
#ifndef LIMIAR_KUBE_TOKEN_FILE_H_
#define LIMIAR_KUBE_TOKEN_FILE_H_

#include <sys/types.h>

#include <ctime>
#include <string>

#include "absl/status/statusor.h"
#include "src/common/mutex.h"

namespace limiar::kube {

// Thread-safe.
class TokenFile {
 public:
  explicit TokenFile(std::string path);

  // The token (surrounding whitespace removed). The file is stat'ed on every call and read
  // again only when its identity changed (inode, size or modification time): the kubelet
  // replaces the file through a symlink swap, which changes the inode. Errors name the
  // path; an empty file is an error.
  absl::StatusOr<std::string> Get();

  // Forgets the cached token so that the next Get reads the file whatever stat says; for
  // after the server rejected the token (HTTP 401).
  void Invalidate();

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  Mutex mu_;
  bool cached_ ABSL_GUARDED_BY(mu_) = false;
  ino_t inode_ ABSL_GUARDED_BY(mu_) = 0;
  off_t size_ ABSL_GUARDED_BY(mu_) = 0;
  timespec mtime_ ABSL_GUARDED_BY(mu_){};
  std::string token_ ABSL_GUARDED_BY(mu_);
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_TOKEN_FILE_H_
