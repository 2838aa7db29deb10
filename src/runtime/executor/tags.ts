// Tags the executor's modules share. Constants, so that a hot loop compares
// numbers; the dictionary (src/dicom/dictionary.ts) is for names and VRs.

export const TAG_SOP_CLASS_UID = 0x00080016;
export const TAG_SOP_INSTANCE_UID = 0x00080018;
export const TAG_STUDY_UID = 0x0020000d;
export const TAG_SERIES_UID = 0x0020000e;
export const TAG_PATIENT_ID = 0x00100020;
export const TAG_DEIDENTIFICATION_METHOD = 0x00120063;
export const TAG_LONGITUDINAL_MODIFIED = 0x00280303;
export const TAG_DEIDENTIFICATION_METHOD_CODES = 0x00120064;
export const TAG_CODE_VALUE = 0x00080100;
export const TAG_CODING_SCHEME = 0x00080102;
export const TAG_CODE_MEANING = 0x00080104;
export const TAG_PIXEL_DATA = 0x7fe00010;
export const TAG_FLOAT_PIXEL_DATA = 0x7fe00008;
export const TAG_DOUBLE_FLOAT_PIXEL_DATA = 0x7fe00009;
export const TAG_BURNED_IN_ANNOTATION = 0x00280301;
export const TAG_RECOGNIZABLE_VISUAL_FEATURES = 0x00280302;
export const TAG_ULTRASOUND_REGIONS = 0x00186011;
export const TAG_REGION_MIN_X0 = 0x00186018;
export const TAG_REGION_MIN_Y0 = 0x0018601a;
export const TAG_REGION_MAX_X1 = 0x0018601c;
export const TAG_REGION_MAX_Y1 = 0x0018601e;
