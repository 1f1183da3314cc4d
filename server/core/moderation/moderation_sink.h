// Where moderation rules go to outlive the process (server/store/
// moderation_store.h). Called on the chat's thread with each rule made or
// lifted; must not block on the disk.
#pragma once

#include "core/moderation/rule.h"

namespace chat {

class ModerationSink {
 public:
  virtual void save(const ModerationRule& rule) = 0;

 protected:
  ~ModerationSink() = default;
};

}  // namespace chat
