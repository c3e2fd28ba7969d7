// The shims are static inline functions in include/CribaShims.h; this file gives the target a
// translation unit.
#include "CribaShims.h"
