// Bridge function for the window preview (SPEC 6, JS API previewWindow); see bridge_destination.hpp.
#pragma once

#include <string>
#include <string_view>

namespace fuse::bridge {

// previewWindow(options) as JSON. `options_json` is the options object as JSON text, in the JS API's
// names (see fuse/preview.hpp read_preview_options).
// {"ok":true,"calls","capacity","start","end","fits","completed","failed","canceled","attempts",
//  "outcomes":{"connected","busy","noanswer","informationtone","rejected"},"drainTimestamp",
//  "needed":{"capacity","endTimestamp","windowSeconds"},
//  "competing":[{"calls","start","end","completed","failed","canceled","attempts","outcomes",
//                "drainTimestamp"}],
//  "timelineStep","timeline":[{"timestamp","linesInUse","queued","completed","failed","canceled"}],
//  "simulations"}
// {"ok":false,"errors":[{code, field, message}, ...]}
std::string preview_window(std::string_view options_json);

}  // namespace fuse::bridge
