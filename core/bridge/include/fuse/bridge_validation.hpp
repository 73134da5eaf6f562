// Bridge functions for queue-request validation (SPEC 3, JS API validateQueueRequest); see bridge_destination.hpp.
#pragma once

#include <string>
#include <string_view>

namespace fuse::bridge {

// validateQueueRequest(params, {now, strict}) as JSON. `params_json` is the parameters object as JSON
// text, `options_json` is {"now":<Unix seconds>,"strict":<bool>}.
// {"ok":true,"request":{phone_number,destination,start_timestamp,end_timestamp,max_attempts,
//   reattempt_wait,result_url,metadata,is_pci},"errors":[],"warnings":[...]}
// {"ok":false,"errors":[...],"warnings":[...]}
std::string validate_queue_request(std::string_view params_json, std::string_view options_json);

}  // namespace fuse::bridge
