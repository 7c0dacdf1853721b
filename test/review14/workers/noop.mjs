export default () => "ok";
